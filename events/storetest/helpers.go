package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

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

// mustAppend appends and fails the test on any error or a duplicate.
func mustAppend(t *testing.T, s events.EventStore, stream string, expected int64, evs []events.Event, cmd string) events.Appended {
	t.Helper()
	got, err := s.Append(context.Background(), batch(stream, expected, evs, cmd))
	if err != nil {
		t.Fatalf("Append(%s, expected %d, %d events, %s): %v", stream, expected, len(evs), cmd, err)
	}
	if got.Duplicate {
		t.Fatalf("Append(%s, %s) reported a duplicate for a new command", stream, cmd)
	}
	return got
}

// seed appends n events to stream in appends of at most s.maxEvents, one
// command each, and returns them as stored.
func seed(t *testing.T, s store, stream string, n int) []events.Event {
	t.Helper()
	all := make([]events.Event, 0, n)
	for v := 0; v < n; v += s.maxEvents {
		k := min(s.maxEvents, n-v)
		cmd := fmt.Sprintf("seed-%d", v)
		all = append(all, mustAppend(t, s, stream, int64(v), makeEvents(stream, int64(v), k, cmd), cmd).Events...)
	}
	return all
}

// readAll pages through every event of stream with Read.
func readAll(t *testing.T, s events.EventStore, stream string) []events.Event {
	t.Helper()
	var all []events.Event
	for {
		page, err := s.Read(context.Background(), stream, int64(len(all))+1, events.MaxReadLimit)
		if err != nil {
			t.Fatalf("Read(%s, %d): %v", stream, len(all)+1, err)
		}
		all = append(all, page...)
		if len(page) < events.MaxReadLimit {
			return all
		}
	}
}

// load calls Load and fails the test on error.
func load(t *testing.T, s events.EventStore, stream string) events.History {
	t.Helper()
	h, err := s.Load(context.Background(), stream)
	if err != nil {
		t.Fatalf("Load(%s): %v", stream, err)
	}
	return h
}

// loadState folds the stream's Load result and fails the test on error.
func loadState(t *testing.T, s events.EventStore, stream string) (tallyState, int64) {
	t.Helper()
	h := load(t, s, stream)
	st, v, err := fold(h.Snapshot, h.Events)
	if err != nil {
		t.Fatalf("Load(%s) does not fold: %v", stream, err)
	}
	return st, v
}

// wantState fails the test unless the tally folded to version v equals
// the closed form stateAt(v).
func wantState(t *testing.T, what string, got tallyState, v int64) {
	t.Helper()
	if want := stateAt(v); got != want {
		t.Fatalf("%s: tally %+v, want %+v (version %d)", what, got, want, v)
	}
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
	case g.ID != w.ID || g.Stream != w.Stream || g.Version != w.Version:
		return fmt.Sprintf("got %s (%s v%d), want %s (%s v%d)", g.ID, g.Stream, g.Version, w.ID, w.Stream, w.Version)
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

// sameSnapshot fails the test unless got and want are the same snapshot:
// version, business time, and state as a JSON value.
func sameSnapshot(t *testing.T, what string, got, want events.Snapshot) {
	t.Helper()
	if got.Version != want.Version || !got.LastOccurredAt.Equal(want.LastOccurredAt) ||
		(want.Version != 0 && !sameJSON(got.State, want.State)) {
		t.Fatalf("%s: got version %d at %v, state %s; want %d at %v, state %s",
			what, got.Version, got.LastOccurredAt, got.State, want.Version, want.LastOccurredAt, want.State)
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

// streamID names the i-th stream of a test.
func streamID(i int) string { return fmt.Sprintf("s-%03d", i) }
