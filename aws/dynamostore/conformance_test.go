package dynamostore

import (
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) events.EventStore { return newTestStore(t) }, storetest.MaxEvents(MaxEvents))
}

func TestStateStoreConformance(t *testing.T) {
	storetest.RunStateStore(t, func(t *testing.T) events.StateStore { return newTestStore(t) })
}
