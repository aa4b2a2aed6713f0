package tasks_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

// t0 is the fixed clock of the service and the store in these tests.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

var _ tasks.Pipeline = (*tasks.Service[account.State, account.Command])(nil)

// openStore opens a bbolt store in a fresh directory, closed at cleanup.
func openStore(tb testing.TB) *boltstore.Store {
	tb.Helper()
	st, err := boltstore.Open(filepath.Join(tb.TempDir(), "events.db"), boltstore.WithClock(clock))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// env is the bank's service over a real store and a recording publisher.
type env struct {
	svc   *tasks.Service[account.State, account.Command]
	store *boltstore.Store
	pub   *eventstest.Recorder
}

func newEnv(tb testing.TB, opts ...tasks.Option) env {
	tb.Helper()
	st := openStore(tb)
	pub := &eventstest.Recorder{}
	svc, err := tasks.New(account.Domain{}, st, st, pub, append([]tasks.Option{tasks.WithClock(clock)}, opts...)...)
	if err != nil {
		tb.Fatalf("tasks.New: %v", err)
	}
	return env{svc: svc, store: st, pub: pub}
}

// run takes c through the pipeline steps, as the state machine does
// without its conflict loop, and returns Fold's reply.
func (e env) run(ctx context.Context, c account.Command) (account.Result, error) {
	reply, err := taskstest.Run(ctx, e.svc, cmdJSON(c))
	if err != nil {
		return account.Result{}, err
	}
	var r account.Result
	err = json.Unmarshal(reply, &r)
	return r, err
}

// mustRun runs every command and fails the test on the first error.
func (e env) mustRun(tb testing.TB, cmds ...account.Command) []account.Result {
	tb.Helper()
	var out []account.Result
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
func (e env) log(tb testing.TB, acc string) []events.Event {
	tb.Helper()
	if !events.ValidID(acc) {
		return nil // no log can exist
	}
	evs, err := e.store.Read(context.Background(), acc, 1, events.MaxReadLimit)
	if err != nil {
		tb.Fatalf("read log: %v", err)
	}
	return evs
}

// state reads the read model's state of acc.
func (e env) state(tb testing.TB, acc string) (account.State, error) {
	tb.Helper()
	raw, err := e.svc.State(context.Background(), acc)
	if err != nil {
		return account.State{}, err
	}
	var s account.State
	if err := json.Unmarshal(raw, &s); err != nil {
		tb.Fatalf("state of %s: %v", acc, err)
	}
	return s, nil
}

// cmdJSON is a command as its JSON, the way the state machine passes it.
func cmdJSON(c account.Command) json.RawMessage {
	b, _ := json.Marshal(c) // a Command always encodes
	return b
}

// Command builders.
func open(acc, id string) account.Command {
	return account.Command{Type: account.OpenAccount, AccountID: acc, CommandID: id, Currency: "EUR"}
}

func deposit(acc, id string, amount int64) account.Command {
	return account.Command{Type: account.Deposit, AccountID: acc, CommandID: id, Amount: amount}
}

func withdraw(acc, id string, amount int64) account.Command {
	return account.Command{Type: account.Withdraw, AccountID: acc, CommandID: id, Amount: amount}
}

func at(c account.Command, t time.Time) account.Command { c.OccurredAt = t; return c }

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

func types(evs []events.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func sameTypes(got []events.Event, want ...string) bool {
	return slices.Equal(types(got), want)
}
