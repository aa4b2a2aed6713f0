package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// testSnapshotTail appends one event at a time and checks Load after each:
// the snapshot sits at the last multiple of SnapshotEvery, the tail holds
// the rest, and snapshot plus tail folds to the full replay.
func testSnapshotTail(t *testing.T, s store) {
	var all []events.Event
	for v := range int64(57) {
		all = append(all, mustAppend(t, s, "s-1", v, makeEvents("s-1", v, 1, cmdID(v)), cmdID(v)).Events...)
		checkLoad(t, s, "s-1", all)
	}
	// One append that crosses several snapshot versions at once.
	all = append(all, mustAppend(t, s, "s-1", 57, makeEvents("s-1", 57, 25, "c-big"), "c-big").Events...)
	checkLoad(t, s, "s-1", all)
}

// checkLoad checks Load of stream against all, its full history.
func checkLoad(t *testing.T, s store, stream string, all []events.Event) {
	t.Helper()
	h := load(t, s, stream)
	n := int64(len(all))
	if want := n - n%events.SnapshotEvery; h.Snapshot.Version != want || int64(len(h.Events)) != n-want {
		t.Fatalf("at version %d Load has a snapshot at %d and %d events; want %d and %d", n, h.Snapshot.Version, len(h.Events), want, n-want)
	}
	sameEvents(t, fmt.Sprintf("Load tail at version %d", n), h.Events, all[h.Snapshot.Version:])
	if h.Snapshot.Version > 0 {
		sameSnapshot(t, fmt.Sprintf("snapshot at %d", h.Snapshot.Version), h.Snapshot, snapshotAt(h.Snapshot.Version))
	}
	got, v, err := fold(h.Snapshot, h.Events)
	if err != nil || v != n {
		t.Fatalf("Load at version %d folds to version %d: %v", n, v, err)
	}
	wantState(t, fmt.Sprintf("Load at version %d", n), got, n)
}

// testSnapshotVersions checks Snapshot(v) for every v: the latest multiple
// of SnapshotEvery at or before v, as it was appended.
func testSnapshotVersions(t *testing.T, s store) {
	all := append(seed(t, s, "s-1", 7), mustAppend(t, s, "s-1", 7, makeEvents("s-1", 7, 36, "c-x"), "c-x").Events...)
	for v := int64(0); v <= 50; v++ {
		got, err := s.Snapshot(context.Background(), "s-1", v)
		if err != nil {
			t.Fatalf("Snapshot(%d): %v", v, err)
		}
		at := min(v, int64(len(all)))
		at -= at % events.SnapshotEvery
		want := events.Snapshot{}
		if at > 0 {
			want = snapshotAt(at)
		}
		sameSnapshot(t, fmt.Sprintf("Snapshot(%d)", v), got, want)
	}
}

// testLoadBounded builds 100,000 events with the biggest appends the store
// takes and checks that Load returns the snapshot at 100,000 and no events,
// then a tail of 9, and that it folds to the closed form.
func testLoadBounded(t *testing.T, s store) {
	const n = 100_000
	seed(t, s, "s-1", n)
	if h := load(t, s, "s-1"); h.Snapshot.Version != n || len(h.Events) != 0 {
		t.Fatalf("Load at %d: snapshot at %d and %d events; want %d and 0", n, h.Snapshot.Version, len(h.Events), n)
	}
	mustAppend(t, s, "s-1", n, makeEvents("s-1", n, 9, "c-tail"), "c-tail")
	h := load(t, s, "s-1")
	if h.Snapshot.Version != n || len(h.Events) != events.SnapshotEvery-1 {
		t.Fatalf("Load at %d: snapshot at %d and %d events; want %d and %d", n+9, h.Snapshot.Version, len(h.Events), n, events.SnapshotEvery-1)
	}
	got, v, err := fold(h.Snapshot, h.Events)
	if err != nil || v != n+9 {
		t.Fatalf("Load folds to version %d: %v", v, err)
	}
	wantState(t, "Load at 100009", got, n+9)
	if full, v, err := fold(events.Snapshot{}, readAll(t, s, "s-1")); err != nil || v != n+9 || full != got {
		t.Fatalf("the full log folds to %+v at %d (%v); Load to %+v", full, v, err, got)
	}
}
