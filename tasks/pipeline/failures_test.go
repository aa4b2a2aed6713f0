package pipeline_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// faults fails the first n calls it is asked about with err, or every call
// when n is negative.
type faults struct {
	mu  sync.Mutex
	n   int
	err error
}

func (f *faults) next() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == 0 {
		return nil
	}
	f.n--
	return f.err
}

type faultyStore struct {
	events.EventStore
	load, append *faults
}

func (s faultyStore) Load(ctx context.Context, stream string) (events.History, error) {
	if err := s.load.next(); err != nil {
		return events.History{}, err
	}
	return s.EventStore.Load(ctx, stream)
}

func (s faultyStore) Append(ctx context.Context, b events.Batch) (events.Appended, error) {
	if err := s.append.next(); err != nil {
		return events.Appended{}, err
	}
	return s.EventStore.Append(ctx, b)
}

type faultyStates struct {
	events.StateStore
	put *faults
}

func (s faultyStates) Put(ctx context.Context, stream string, snap events.Snapshot) (bool, error) {
	if err := s.put.next(); err != nil {
		return false, err
	}
	return s.StateStore.Put(ctx, stream, snap)
}

type faultyPublisher struct {
	events.Publisher
	publish *faults
}

func (p faultyPublisher) Publish(ctx context.Context, evs []events.Event) error {
	if err := p.publish.next(); err != nil {
		return err
	}
	return p.Publisher.Publish(ctx, evs)
}

// injection arms the faults of one port method.
type injection struct {
	load, append, put, publish faults
}

func (in *injection) wrap(p ports) ports {
	return ports{
		store:  faultyStore{EventStore: p.store, load: &in.load, append: &in.append},
		states: faultyStates{StateStore: p.states, put: &in.put},
		pub:    faultyPublisher{Publisher: p.pub, publish: &in.publish},
	}
}

var throttled = events.Errorf(events.CodeThrottled, "slow down")

// TestTransientFailures fails one port method twice with Throttled; the
// step's retrier must recover and the command succeed.
func TestTransientFailures(t *testing.T) {
	tests := []struct {
		name string
		step string
		arm  func(*injection)
	}{
		{"event store load", "validate", func(in *injection) { in.load = faults{n: 2, err: throttled} }},
		{"event store append", "persist", func(in *injection) { in.append = faults{n: 2, err: throttled} }},
		{"publisher", "publish", func(in *injection) { in.publish = faults{n: 2, err: throttled} }},
		{"read model put", "fold", func(in *injection) { in.put = faults{n: 2, err: throttled} }},
		{"publisher PublishFailed", "publish", func(in *injection) {
			in.publish = faults{n: 2, err: events.Errorf(events.CodePublishFailed, "1 of 1 entries failed")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &injection{}
			h := newHarness(t, in.wrap)
			h.mustSucceed(t, open("acc-1", "c1"))
			tt.arm(in)
			ex := h.run(t, deposit("acc-1", "c2", 300))
			if ex.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("execution %s %s %s", ex.Status, deref(ex.Error), deref(ex.Cause))
			}
			if got := h.scheduled(t, ex); got[tt.step] != 3 {
				t.Errorf("%s scheduled %d times, want 3 (two failures, one success): %v", tt.step, got[tt.step], got)
			}
			st, err := h.account(t, "acc-1")
			if err != nil || st.Balance != 300 || st.Version != 2 {
				t.Errorf("read model = %+v, %v; want balance 300 at version 2", st, err)
			}
			if ids := h.pub.IDs(); len(ids) != 2 || ids[1] != "acc-1:2" {
				t.Errorf("published %v, want acc-1:1 and acc-1:2 once each", ids)
			}
			if ls := h.letters(t); len(ls) != 0 {
				t.Errorf("dead letters: %v", ls)
			}
		})
	}
}

// deadLetter is the message body the state machine sends to the DLQ.
type deadLetter struct {
	Command         json.RawMessage `json:"command"`
	FailedStep      string          `json:"failedStep"`
	Error           string          `json:"error"`
	Cause           string          `json:"cause"`
	DecidedEvents   []events.Event  `json:"decidedEvents"`
	PersistedEvents []events.Event  `json:"persistedEvents"`
	ExecutionID     string          `json:"executionId"`
}

// TestPermanentFailures fails one step for good: the command reaches the
// dead-letter queue with everything needed to finish it by hand, and the
// execution fails with the original error.
func TestPermanentFailures(t *testing.T) {
	unavailable := events.Errorf(events.CodeStoreUnavailable, "the table is gone")
	tests := []struct {
		name, step, task string
		arm              func(*injection)
		wantError        string
		attempts         int
		persisted        bool
	}{
		{"Persist", "Persist", "persist", func(in *injection) { in.append = faults{n: -1, err: unavailable} }, "StoreUnavailable", 1, false},
		{"Publish", "Publish", "publish", func(in *injection) {
			in.publish = faults{n: -1, err: events.Errorf(events.CodePublishFailed, "1 of 1 entries failed")}
		}, "PublishFailed", 4, true},
		{"Fold", "Fold", "fold", func(in *injection) { in.put = faults{n: -1, err: unavailable} }, "StoreUnavailable", 1, true},
		{"Fold throttled for good", "Fold", "fold", func(in *injection) { in.put = faults{n: -1, err: throttled} }, "Throttled", 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &injection{}
			h := newHarness(t, in.wrap)
			h.mustSucceed(t, open("acc-1", "c1"))
			tt.arm(in)
			c := deposit("acc-1", "c2", 300)
			ex := h.run(t, c)
			if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != tt.wantError {
				t.Fatalf("execution %s %s, want FAILED %s", ex.Status, deref(ex.Error), tt.wantError)
			}
			if got := h.scheduled(t, ex); got[tt.task] != tt.attempts || got["sqs:sendMessage"] != 1 {
				t.Errorf("scheduled %v, want %s %d times and one sendMessage", got, tt.task, tt.attempts)
			}
			checkDeadLetter(t, h, ex, c, tt.step, tt.wantError, tt.persisted)
		})
	}
}

func checkDeadLetter(t *testing.T, h *harness, ex *asl.Execution, c account.Command, step, wantError string, persisted bool) {
	t.Helper()
	ls := h.letters(t)
	if len(ls) != 1 {
		t.Fatalf("%d dead letters, want 1", len(ls))
	}
	var dl deadLetter
	if err := json.Unmarshal([]byte(ls[0].Body), &dl); err != nil {
		t.Fatalf("dead letter %q: %v", ls[0].Body, err)
	}
	var got account.Command
	if err := json.Unmarshal(dl.Command, &got); err != nil || got != c {
		t.Errorf("dead letter command = %s, want %+v", dl.Command, c)
	}
	typ, msg := causeMessage(t, dl.Cause)
	if dl.FailedStep != step || dl.Error != wantError || typ != wantError || msg == "" || dl.Cause != deref(ex.Cause) {
		t.Errorf("dead letter = step %q error %q cause %q; want %s, %s, the execution's cause %q", dl.FailedStep, dl.Error, dl.Cause, step, wantError, deref(ex.Cause))
	}
	if len(dl.DecidedEvents) != 1 || dl.DecidedEvents[0].ID != "acc-1:2" || dl.ExecutionID != ex.ExecutionARN {
		t.Errorf("dead letter decided %v, execution %q (want %q)", dl.DecidedEvents, dl.ExecutionID, ex.ExecutionARN)
	}
	wantPersisted := 0
	if persisted {
		wantPersisted = 1
	}
	if len(dl.PersistedEvents) != wantPersisted || (persisted && dl.PersistedEvents[0].RecordedAt.IsZero()) {
		t.Errorf("dead letter persisted events = %v, want %d stored events", dl.PersistedEvents, wantPersisted)
	}
	if n := len(h.log(t, "acc-1")); n != 1+wantPersisted {
		t.Errorf("log has %d events, want %d", n, 1+wantPersisted)
	}
}

// TestConflictsExhausted makes every append a VersionConflict: the
// command makes 10 rounds, two at a time with a random delay before each
// pair after the first, each no longer than its cap (1, 2, 4 and 8 s),
// and then fails with VersionConflict, having written nothing and sent
// nothing to the dead-letter queue.
func TestConflictsExhausted(t *testing.T) {
	in := &injection{}
	clock := &virtualClock{now: t0}
	h := newHarnessOn(t, clock, in.wrap)
	h.mustSucceed(t, open("acc-1", "c1"))
	in.append = faults{n: -1, err: events.Errorf(events.CodeVersionConflict, "version 2 is taken")}
	ex := h.run(t, deposit("acc-1", "c2", 300))
	if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != "VersionConflict" || !strings.Contains(deref(ex.Cause), "10 rounds") {
		t.Fatalf("execution %s %s %q, want FAILED VersionConflict after 10 rounds", ex.Status, deref(ex.Error), deref(ex.Cause))
	}
	if got := h.scheduled(t, ex); got["validate"] != 10 || got["persist"] != 10 || len(got) != 2 {
		t.Errorf("scheduled %v, want validate and persist 10 times each and nothing else", got)
	}
	delays := clock.delays()
	if len(delays) != 4 {
		t.Fatalf("delays %v, want 4", delays)
	}
	var total time.Duration
	for i, d := range delays {
		if limit := time.Second << i; d < 0 || d > limit {
			t.Errorf("delay %d is %s, want between 0 and %s", i+1, d, limit)
		}
		total += d
	}
	if total == 0 {
		t.Errorf("delays %v: none at all", delays)
	}
	if n := len(h.log(t, "acc-1")); n != 1 || len(h.letters(t)) != 0 {
		t.Errorf("log has %d events, %d dead letters; want 1 and none", n, len(h.letters(t)))
	}
}
