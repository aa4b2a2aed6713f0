package eventstest_test

import (
	"context"
	"fmt"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
)

func ExampleRecorder() {
	var r eventstest.Recorder
	_ = r.Publish(context.Background(), []events.Event{{ID: "acc-1:1"}, {ID: "acc-1:2"}})
	_ = r.Publish(context.Background(), []events.Event{{ID: "acc-1:2"}})
	fmt.Println(r.IDs())
	// Output: [acc-1:1 acc-1:2 acc-1:2]
}
