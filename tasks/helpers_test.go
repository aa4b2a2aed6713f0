package tasks_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

// t0 is the fixed clock of the service and the store in these tests.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

// openStore opens a bbolt store in a fresh directory, closed at cleanup.
func openStore(tb testing.TB) *boltstore.Store {
	tb.Helper()
	st, err := boltstore.Open(filepath.Join(tb.TempDir(), "stepfold.db"), boltstore.WithClock(clock))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// env is a service over a real store and a recording publisher.
type env struct {
	svc   *tasks.Service
	store *boltstore.Store
	pub   *eventstest.Recorder
}

func newEnv(tb testing.TB, opts ...tasks.Option) env {
	tb.Helper()
	st := openStore(tb)
	pub := &eventstest.Recorder{}
	svc, err := tasks.New(st, st, pub, append([]tasks.Option{tasks.WithClock(clock)}, opts...)...)
	if err != nil {
		tb.Fatalf("tasks.New: %v", err)
	}
	return env{svc: svc, store: st, pub: pub}
}

// run takes c through the pipeline steps, as the state machine does
// without its conflict loop, and returns Fold's result.
func (e env) run(ctx context.Context, c events.Command) (tasks.Result, error) {
	return taskstest.Run(ctx, e.svc, c)
}

// mustRun runs every command and fails the test on the first error.
func (e env) mustRun(tb testing.TB, cmds ...events.Command) []tasks.Result {
	tb.Helper()
	var out []tasks.Result
	for _, c := range cmds {
		r, err := e.run(context.Background(), c)
		if err != nil {
			tb.Fatalf("run %s %s: %v", c.Type, c.CommandID, err)
		}
		out = append(out, r)
	}
	return out
}

// log reads the whole log of account.
func (e env) log(tb testing.TB, account string) []events.Event {
	tb.Helper()
	if !events.ValidID(account) {
		return nil // no log can exist
	}
	evs, err := e.store.Read(context.Background(), account, 1, events.MaxReadLimit)
	if err != nil {
		tb.Fatalf("read log: %v", err)
	}
	return evs
}

// Command builders.
func open(acc, id string) events.Command {
	return events.Command{Type: events.OpenAccount, AccountID: acc, CommandID: id, Currency: "EUR"}
}

func deposit(acc, id string, amount int64) events.Command {
	return events.Command{Type: events.Deposit, AccountID: acc, CommandID: id, Amount: amount}
}

func withdraw(acc, id string, amount int64) events.Command {
	return events.Command{Type: events.Withdraw, AccountID: acc, CommandID: id, Amount: amount}
}

func at(c events.Command, t time.Time) events.Command { c.OccurredAt = t; return c }

// readJSON reads testdata/name into v.
func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func types(evs []events.Event) []events.EventType {
	var out []events.EventType
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func sameTypes(got []events.Event, want ...events.EventType) bool {
	return slices.Equal(types(got), want)
}
