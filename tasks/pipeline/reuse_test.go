package pipeline_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

// rivalStore lets another request with the same command id win the race
// to the log: just before the first Append of that id it appends the
// rival's events, as a concurrent execution would between this one's
// Validate and Persist.
type rivalStore struct {
	events.EventStore
	once  *sync.Once
	rival account.Command
}

func (s rivalStore) Append(ctx context.Context, b events.Batch) (events.Appended, error) {
	var err error
	if b.CommandID == s.rival.CommandID {
		s.once.Do(func() {
			theirs := events.Event{ID: events.EventID(b.Stream, b.Expected+1), Stream: b.Stream, Version: b.Expected + 1,
				Type: account.FundsDeposited, SchemaVersion: 1, OccurredAt: t0,
				CommandID: b.CommandID, Data: []byte(`{"amount":1}`)}
			_, err = s.EventStore.Append(ctx, events.Batch{Stream: b.Stream, Expected: b.Expected, Events: []events.Event{theirs},
				CommandID: b.CommandID, Fingerprint: s.rival.Fingerprint()})
		})
	}
	if err != nil {
		return events.Appended{}, err
	}
	return s.EventStore.Append(ctx, b)
}

// TestReusedKeyLosesTheRace runs a withdrawal whose command id a different
// request (a deposit) takes between its Validate and its Persist. The
// store refuses the withdrawal with IdempotencyKeyReused in the append's
// own transaction; the execution fails with that rejection, without the
// dead-letter queue (a redrive could never succeed), and only the rival's
// event is stored.
func TestReusedKeyLosesTheRace(t *testing.T) {
	rival := deposit("acc-1", "k", 1)
	h := newHarness(t, func(p ports) ports {
		p.store = rivalStore{EventStore: p.store, once: &sync.Once{}, rival: rival}
		return p
	})
	h.mustSucceed(t, open("acc-1", "c1"), deposit("acc-1", "c2", 500))
	ex := h.run(t, withdraw("acc-1", "k", 300))
	if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != "IdempotencyKeyReused" {
		t.Fatalf("execution %s %s %s, want FAILED IdempotencyKeyReused", ex.Status, deref(ex.Error), deref(ex.Cause))
	}
	if ls := h.letters(t); len(ls) != 0 {
		t.Errorf("dead letters %v, want none for a rejection", ls)
	}
	log := h.log(t, "acc-1")
	if len(log) != 3 || log[2].Type != account.FundsDeposited || log[2].CommandID != "k" {
		t.Fatalf("log %+v, want the rival's deposit as version 3 and nothing else", log)
	}
	if again := h.run(t, withdraw("acc-1", "k", 300)); deref(again.Error) != "IdempotencyKeyReused" {
		t.Errorf("the withdrawal sent again: %s %s, want IdempotencyKeyReused", again.Status, deref(again.Error))
	}
}
