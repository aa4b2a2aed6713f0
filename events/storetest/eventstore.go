package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// store is the EventStore under test and the suite's settings.
type store struct {
	events.EventStore
	maxEvents int
}

// Option adjusts Run to a store's limits.
type Option func(*store) error

// MaxEvents tells Run the most events the store takes in one Append. The
// suite splits its bulk appends (up to 100,000 events) to fit; the default
// is 1000. n must be at least 25.
func MaxEvents(n int) Option {
	return func(s *store) error {
		if n < 25 {
			return fmt.Errorf("storetest: MaxEvents(%d): the suite needs appends of at least 25 events", n)
		}
		s.maxEvents = n
		return nil
	}
}

// Run checks that the stores newStore builds satisfy the events.EventStore
// contract. It calls newStore once per subtest, with the subtest's t.
func Run(t *testing.T, newStore func(t *testing.T) events.EventStore, opts ...Option) {
	t.Helper()
	var cfg store
	cfg.maxEvents = 1000
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			t.Fatal(err)
		}
	}
	runCases(t, eventStoreCases(), func(t *testing.T) store {
		return store{EventStore: newStore(t), maxEvents: cfg.maxEvents}
	})
}

func eventStoreCases() []suiteCase[store] {
	return []suiteCase[store]{
		{"events read back in order", testOrder},
		{"append after a given version", testAppendAfter},
		{"unknown stream is empty", testUnknownStream},
		{"wrong expected version conflicts and writes nothing", testConflict},
		{"one winner among concurrent appends", testOneWinner},
		{"concurrent appends to many streams", testManyStreams},
		{"duplicate command returns the first events", testDuplicate},
		{"concurrent retries of one command", testConcurrentRetries},
		{"a reused command id for another request is refused", testReusedKey},
		{"a command id recorded without a fingerprint is not checked", testNoFingerprint},
		{"concurrent different requests with one command id", testConcurrentReuse},
		{"recordedAt is set and never goes back", testRecordedAt},
		{"snapshot plus tail equals full replay", testSnapshotTail},
		{"snapshots only at every tenth version", testSnapshotVersions},
		{"load stays small at version 100000", testLoadBounded},
		{"events of an older schema read back for upcasting", testOlderSchema},
		{"bad appends are rejected and write nothing", testBadAppends},
		{"bad reads are rejected", testBadReads},
		{"streams scan in ascending pages", testStreams},
		{"canceled context", testCanceled},
	}
}

func testOrder(t *testing.T, s store) {
	var want []events.Event
	for v := int64(0); v < 25; v += 5 {
		want = append(want, mustAppend(t, s, "s-1", v, makeEvents("s-1", v, 5, cmdID(v)), cmdID(v)).Events...)
	}
	sameEvents(t, "Read all", readAll(t, s, "s-1"), want)
	page, err := s.Read(context.Background(), "s-1", 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "Read(from 7, limit 3)", page, want[6:9])
	if page, err = s.Read(context.Background(), "s-1", 26, 10); err != nil || len(page) != 0 {
		t.Fatalf("Read past the end: got %d events, %v; want none", len(page), err)
	}
}

func testAppendAfter(t *testing.T, s store) {
	first := mustAppend(t, s, "s-1", 0, makeEvents("s-1", 0, 3, "c-1"), "c-1")
	second := mustAppend(t, s, "s-1", 3, makeEvents("s-1", 3, 2, "c-2"), "c-2")
	if v := second.Events[0].Version; v != 4 {
		t.Fatalf("first event of the second append is version %d, want 4", v)
	}
	sameEvents(t, "Read", readAll(t, s, "s-1"), append(first.Events, second.Events...))
	st, v := loadState(t, s, "s-1")
	wantState(t, "Load", st, 5)
	if v != 5 {
		t.Fatalf("Load folds to version %d, want 5", v)
	}
}

func testUnknownStream(t *testing.T, s store) {
	mustAppend(t, s, "s-1", 0, makeEvents("s-1", 0, 1, "c-1"), "c-1")
	if h := load(t, s, "s-2"); h.Snapshot.Version != 0 || len(h.Events) != 0 {
		t.Fatalf("Load of an unknown stream: %+v, want empty", h)
	}
	if evs := readAll(t, s, "s-2"); len(evs) != 0 {
		t.Fatalf("Read of an unknown stream: %d events", len(evs))
	}
	if evs, err := s.Command(context.Background(), "s-2", "c-1", ""); err != nil || evs != nil {
		t.Fatalf("Command on another stream: %v, %v; want nil: command ids are per stream", evs, err)
	}
	if snap, err := s.Snapshot(context.Background(), "s-2", 10); err != nil || snap.Version != 0 {
		t.Fatalf("Snapshot of an unknown stream: %+v, %v", snap, err)
	}
}

func testConflict(t *testing.T, s store) {
	want := seed(t, s, "s-1", 3)
	for _, expected := range []int64{0, 2, 4, 10} {
		_, err := s.Append(context.Background(), batch("s-1", expected, makeEvents("s-1", expected, 1, "late"), "late"))
		wantError(t, "Append at a wrong expected version", err, events.ErrVersionConflict)
	}
	sameEvents(t, "events after the conflicts", readAll(t, s, "s-1"), want)
	if evs, err := s.Command(context.Background(), "s-1", "late", ""); err != nil || evs != nil {
		t.Fatalf("the rejected command was recorded: %v, %v", evs, err)
	}
}

func testOneWinner(t *testing.T, s store) {
	seed(t, s, "s-1", 1)
	const n = 32
	results := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		cmd := cmdID(int64(i))
		go func() {
			<-start
			_, err := s.Append(context.Background(), batch("s-1", 1, makeEvents("s-1", 1, 1, cmd), cmd))
			results <- err
		}()
	}
	close(start)
	wins := 0
	for range n {
		if err := <-results; err == nil {
			wins++
		} else {
			wantError(t, "a losing racer", err, events.ErrVersionConflict)
		}
	}
	if all := readAll(t, s, "s-1"); wins != 1 || len(all) != 2 {
		t.Fatalf("%d winners and %d events; want exactly 1 winner and 2 events", wins, len(all))
	}
}

func testManyStreams(t *testing.T, s store) {
	const streams, appends = 16, 20
	errs := make(chan error, streams)
	for i := range streams {
		id := streamID(i)
		go func() { errs <- appendSerially(s, id, appends) }()
	}
	for range streams {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range streams {
		st, v := loadState(t, s, streamID(i))
		wantState(t, streamID(i), st, appends)
		if v != appends {
			t.Fatalf("%s folds to version %d, want %d", streamID(i), v, appends)
		}
	}
}

// appendSerially appends n single-event commands to stream, one after the
// other.
func appendSerially(s store, stream string, n int) error {
	for v := range int64(n) {
		cmd := cmdID(v)
		if _, err := s.Append(context.Background(), batch(stream, v, makeEvents(stream, v, 1, cmd), cmd)); err != nil {
			return err
		}
	}
	return nil
}

func testRecordedAt(t *testing.T, s store) {
	before := time.Now().Add(-time.Second)
	for v := range int64(12) {
		got := mustAppend(t, s, "s-1", v, makeEvents("s-1", v, 1, cmdID(v)), cmdID(v))
		if got.Events[0].RecordedAt.Before(before) {
			t.Fatalf("Append returned recordedAt %v, before the append began", got.Events[0].RecordedAt)
		}
	}
	all := readAll(t, s, "s-1")
	for i := 1; i < len(all); i++ {
		if all[i].RecordedAt.Before(all[i-1].RecordedAt) {
			t.Fatalf("version %d recorded at %v, before version %d at %v", i+1, all[i].RecordedAt, i, all[i-1].RecordedAt)
		}
	}
}
