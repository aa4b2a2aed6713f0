package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/tasks"
)

// persistOnly validates and persists commands without folding them, so a
// test can fold their events in any order.
func (e env) persistOnly(t *testing.T, cmds ...account.Command) []events.Event {
	t.Helper()
	ctx := context.Background()
	var all []events.Event
	for _, c := range cmds {
		d, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: cmdJSON(c)})
		if err != nil {
			t.Fatalf("Validate %s: %v", c.CommandID, err)
		}
		p, err := e.svc.Persist(ctx, persistInput(d))
		if err != nil {
			t.Fatalf("Persist %s: %v", c.CommandID, err)
		}
		all = append(all, p.Events...)
	}
	return all
}

// TestFoldOrder folds the events of a four-event log in various orders.
// The log's balances are 0, 100, 150 and 120 at versions 1 to 4. Each fold
// must answer with the state as of its last event, and the read model must
// end at version 4 whatever the order.
func TestFoldOrder(t *testing.T) {
	balance := map[int64]int64{1: 0, 2: 100, 3: 150, 4: 120}
	tests := []struct {
		name  string
		folds [][]int64 // versions folded by each call, in call order
	}{
		{"in order", [][]int64{{1}, {2}, {3}, {4}}},
		{"a late fold after a later one", [][]int64{{1}, {3}, {2}, {4}}},
		{"no stored state yet", [][]int64{{4}, {1}, {2}, {3}}},
		{"state two behind", [][]int64{{1}, {2}, {4}, {3}}},
		{"the same fold twice", [][]int64{{1}, {2}, {2}, {3}, {4}, {4}}},
		{"two events at once", [][]int64{{1}, {2, 3}, {4}}},
		{"overlapping the stored state", [][]int64{{1}, {2}, {2, 3}, {3, 4}}},
		{"newest first", [][]int64{{4}, {3}, {2}, {1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			log := e.persistOnly(t, open("acc-1", "c1"), deposit("acc-1", "c2", 100), deposit("acc-1", "c3", 50), withdraw("acc-1", "c4", 30))
			for _, vs := range tt.folds {
				in := tasks.EventsInput{Events: log[vs[0]-1 : vs[len(vs)-1]]}
				reply, err := e.svc.Fold(ctx, in)
				var r account.Result
				if err == nil {
					err = json.Unmarshal(reply, &r)
				}
				last := vs[len(vs)-1]
				if err != nil || r.Version != last || r.Balance != balance[last] || r.Currency != "EUR" || r.Status != account.StatusOpen || len(r.Events) != len(vs) {
					t.Fatalf("Fold %v = %s, %v; want version %d balance %d EUR open with %d events", vs, reply, err, last, balance[last], len(vs))
				}
			}
			cur, err := e.state(t, "acc-1")
			if err != nil || cur.Version != 4 || cur.Balance != 120 {
				t.Errorf("read model = %+v, %v; want version 4 balance 120", cur, err)
			}
		})
	}
}

func TestFoldRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	log := e.persistOnly(t, open("acc-1", "c1"), deposit("acc-1", "c2", 100), deposit("acc-1", "c3", 50))
	other := e.persistOnly(t, open("acc-2", "c1"))
	tests := []struct {
		name string
		evs  []events.Event
	}{
		{"no events", nil},
		{"a gap", []events.Event{log[0], log[2]}},
		{"two accounts", []events.Event{log[0], other[0]}},
		{"no version", []events.Event{{ID: "acc-1:0", Stream: "acc-1"}}},
		{"no account", []events.Event{{ID: ":1", Version: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Fold(context.Background(), tasks.EventsInput{Events: tt.evs})
			if !errors.Is(err, events.ErrInvalidArgument) {
				t.Errorf("Fold = %v, want InvalidArgument", err)
			}
		})
	}
	if _, err := e.svc.State(context.Background(), "acc-1"); !errors.Is(err, account.ErrAccountNotFound) {
		t.Errorf("read model after rejected folds: %v, want AccountNotFound", err)
	}
}

// failingPublisher fails every call with err.
type failingPublisher struct{ err error }

func (f failingPublisher) Publish(context.Context, []events.Event) error { return f.err }

func TestPublish(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	evs := e.persistOnly(t, open("acc-1", "c1"), deposit("acc-1", "c2", 100))
	got, err := e.svc.Publish(ctx, tasks.EventsInput{Events: evs})
	if err != nil || got.Published != 2 {
		t.Fatalf("Publish = %+v, %v; want 2 published", got, err)
	}
	if _, err := e.svc.Publish(ctx, tasks.EventsInput{Events: evs[1:]}); err != nil {
		t.Fatalf("publish again: %v", err)
	}
	if ids := e.pub.IDs(); len(ids) != 3 || ids[0] != "acc-1:1" || ids[1] != "acc-1:2" || ids[2] != "acc-1:2" {
		t.Errorf("published ids = %v, want acc-1:1 acc-1:2 acc-1:2", ids)
	}
	if got, err := e.svc.Publish(ctx, tasks.EventsInput{}); err != nil || got.Published != 0 || len(e.pub.IDs()) != 3 {
		t.Errorf("Publish of nothing = %+v, %v; want 0 and no call", got, err)
	}

	svc, err := tasks.New(account.Domain{}, e.store, e.store, failingPublisher{events.Errorf(events.CodePublishFailed, "bus said no")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, tasks.EventsInput{Events: evs}); !errors.Is(err, events.ErrPublishFailed) {
		t.Errorf("Publish with a failing bus = %v, want PublishFailed", err)
	}
}

func TestNew(t *testing.T) {
	st := openStore(t)
	pub := &eventstest.Recorder{}
	tests := []struct {
		name   string
		store  events.EventStore
		states events.StateStore
		pub    events.Publisher
		opts   []tasks.Option
	}{
		{"nil store", nil, st, pub, nil},
		{"nil states", st, nil, pub, nil},
		{"nil publisher", st, st, nil, nil},
		{"nil clock", st, st, pub, []tasks.Option{tasks.WithClock(nil)}},
		{"page size 0", st, st, pub, []tasks.Option{tasks.WithPageSize(0)}},
		{"page size too big", st, st, pub, []tasks.Option{tasks.WithPageSize(events.MaxReadLimit + 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, err := tasks.New(account.Domain{}, tt.store, tt.states, tt.pub, tt.opts...)
			if svc != nil || !errors.Is(err, events.ErrInvalidArgument) {
				t.Errorf("New = %v, %v; want nil, InvalidArgument", svc, err)
			}
		})
	}
	if _, err := tasks.New(account.Domain{}, st, st, pub, tasks.WithClock(clock), tasks.WithPageSize(events.MaxReadLimit)); err != nil {
		t.Errorf("New with good options: %v", err)
	}
}
