package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// suiteCase is one named check of a suite over a port of type T.
type suiteCase[T any] struct {
	name string
	run  func(t *testing.T, x T)
}

// runCases runs each case as a subtest, on a fresh x that newX builds with
// the subtest's t.
func runCases[T any](t *testing.T, cases []suiteCase[T], newX func(t *testing.T) T) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newX(t)) })
	}
}

// base is the business time of the first event the helpers make.
var base = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// makeEvents returns n valid events of account after version expected, all
// carrying cmd: an AccountOpened at version 1, deposits of the version
// number in minor units after it.
func makeEvents(account string, expected int64, n int, cmd string) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		v := expected + int64(i) + 1
		e := events.Event{
			ID: events.EventID(account, v), Account: account, Version: v,
			Type: events.FundsDeposited, SchemaVersion: events.SchemaVersion,
			OccurredAt: base.Add(time.Duration(v) * time.Second),
			CommandID:  cmd, CorrelationID: "corr-" + cmd,
			Data: json.RawMessage(fmt.Sprintf(`{"amount":%d}`, v)),
		}
		if v == 1 {
			e.Type, e.Data = events.AccountOpened, json.RawMessage(`{"currency":"EUR"}`)
		}
		out[i] = e
	}
	return out
}

// mustAppend appends and fails the test on any error or a duplicate.
func mustAppend(t *testing.T, s events.EventStore, account string, expected int64, evs []events.Event, cmd string) events.Appended {
	t.Helper()
	got, err := s.Append(context.Background(), account, expected, evs, cmd, "")
	if err != nil {
		t.Fatalf("Append(%s, expected %d, %d events, %s): %v", account, expected, len(evs), cmd, err)
	}
	if got.Duplicate {
		t.Fatalf("Append(%s, %s) reported a duplicate for a new command", account, cmd)
	}
	return got
}

// seed appends n events to account in appends of at most s.maxEvents, one
// command each, and returns them as stored.
func seed(t *testing.T, s store, account string, n int) []events.Event {
	t.Helper()
	all := make([]events.Event, 0, n)
	for v := 0; v < n; v += s.maxEvents {
		k := min(s.maxEvents, n-v)
		cmd := fmt.Sprintf("seed-%d", v)
		all = append(all, mustAppend(t, s, account, int64(v), makeEvents(account, int64(v), k, cmd), cmd).Events...)
	}
	return all
}

// readAll pages through every event of account with Read.
func readAll(t *testing.T, s events.EventStore, account string) []events.Event {
	t.Helper()
	var all []events.Event
	for {
		page, err := s.Read(context.Background(), account, int64(len(all))+1, events.MaxReadLimit)
		if err != nil {
			t.Fatalf("Read(%s, %d): %v", account, len(all)+1, err)
		}
		all = append(all, page...)
		if len(page) < events.MaxReadLimit {
			return all
		}
	}
}

// replayStored folds every stored event of account, page by page, from the
// zero State, so that a long history is never held in memory at once.
func replayStored(t *testing.T, s events.EventStore, account string) events.State {
	t.Helper()
	var st events.State
	for {
		page, err := s.Read(context.Background(), account, st.Version+1, events.MaxReadLimit)
		if err != nil {
			t.Fatalf("Read(%s, %d): %v", account, st.Version+1, err)
		}
		if st, err = events.Replay(st, page); err != nil {
			t.Fatalf("Replay after version %d: %v", st.Version, err)
		}
		if len(page) < events.MaxReadLimit {
			return st
		}
	}
}

// load calls Load and fails the test on error.
func load(t *testing.T, s events.EventStore, account string) events.History {
	t.Helper()
	h, err := s.Load(context.Background(), account)
	if err != nil {
		t.Fatalf("Load(%s): %v", account, err)
	}
	return h
}

// replay folds evs from the zero State and fails the test on error.
func replay(t *testing.T, evs []events.Event) events.State {
	t.Helper()
	s, err := events.Replay(events.State{}, evs)
	if err != nil {
		t.Fatalf("Replay of %d events: %v", len(evs), err)
	}
	return s
}

// loadState folds the account's Load result and fails the test on error.
func loadState(t *testing.T, s events.EventStore, account string) events.State {
	t.Helper()
	st, err := load(t, s, account).State()
	if err != nil {
		t.Fatalf("Load(%s).State(): %v", account, err)
	}
	return st
}

// wantError fails the test unless err is an *events.Error matching target
// with errors.Is.
func wantError(t *testing.T, what string, err error, target error) {
	t.Helper()
	var e *events.Error
	switch {
	case err == nil:
		t.Errorf("%s: got no error, want %v", what, target)
	case !errors.As(err, &e):
		t.Errorf("%s: got %T %v, want an *events.Error", what, err, err)
	case !errors.Is(err, target):
		t.Errorf("%s: got %v, want %v", what, err, target)
	}
}

// sameEvents fails the test unless got and want hold the same events. Times
// compare with Equal and data as JSON values; RecordedAt is compared only
// where want sets it.
func sameEvents(t *testing.T, what string, got, want []events.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d events, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := eventDiff(got[i], want[i]); d != "" {
			t.Fatalf("%s: event %d: %s", what, i, d)
		}
	}
}

func eventDiff(g, w events.Event) string {
	switch {
	case g.ID != w.ID || g.Account != w.Account || g.Version != w.Version:
		return fmt.Sprintf("got %s (%s v%d), want %s (%s v%d)", g.ID, g.Account, g.Version, w.ID, w.Account, w.Version)
	case g.Type != w.Type || g.SchemaVersion != w.SchemaVersion:
		return fmt.Sprintf("got type %s/%d, want %s/%d", g.Type, g.SchemaVersion, w.Type, w.SchemaVersion)
	case g.CommandID != w.CommandID || g.CorrelationID != w.CorrelationID:
		return fmt.Sprintf("got command %q/%q, want %q/%q", g.CommandID, g.CorrelationID, w.CommandID, w.CorrelationID)
	case !g.OccurredAt.Equal(w.OccurredAt):
		return fmt.Sprintf("got occurredAt %v, want %v", g.OccurredAt, w.OccurredAt)
	case !w.RecordedAt.IsZero() && !g.RecordedAt.Equal(w.RecordedAt):
		return fmt.Sprintf("got recordedAt %v, want %v", g.RecordedAt, w.RecordedAt)
	case !sameJSON(g.Data, w.Data):
		return fmt.Sprintf("got data %s, want %s", g.Data, w.Data)
	}
	return ""
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// sameState fails the test unless got and want are the same State.
func sameState(t *testing.T, what string, got, want events.State) {
	t.Helper()
	if !got.LastOccurredAt.Equal(want.LastOccurredAt) {
		t.Fatalf("%s: got lastOccurredAt %v, want %v", what, got.LastOccurredAt, want.LastOccurredAt)
	}
	got.LastOccurredAt, want.LastOccurredAt = time.Time{}, time.Time{}
	if len(got.Reversed) == 0 && len(want.Reversed) == 0 {
		got.Reversed, want.Reversed = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

// canceled returns a context that is already canceled.
func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// cmdID names the i-th command of a test.
func cmdID(i int64) string { return fmt.Sprintf("c-%d", i) }

// accountID names the i-th account of a test.
func accountID(i int) string { return fmt.Sprintf("acc-%03d", i) }
