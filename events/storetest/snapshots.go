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
		all = append(all, mustAppend(t, s, "acc-1", v, makeEvents("acc-1", v, 1, cmdID(v)), cmdID(v)).Events...)
		checkLoad(t, s, "acc-1", all)
	}
	// One append that crosses several snapshot versions at once.
	all = append(all, mustAppend(t, s, "acc-1", 57, makeEvents("acc-1", 57, 25, "c-big"), "c-big").Events...)
	checkLoad(t, s, "acc-1", all)
}

// checkLoad checks Load of account against all, its full history.
func checkLoad(t *testing.T, s store, account string, all []events.Event) {
	t.Helper()
	h := load(t, s, account)
	n := int64(len(all))
	if want := n - n%events.SnapshotEvery; h.Snapshot.Version != want || int64(len(h.Events)) != n-want {
		t.Fatalf("at version %d Load has a snapshot at %d and %d events; want %d and %d", n, h.Snapshot.Version, len(h.Events), want, n-want)
	}
	sameEvents(t, fmt.Sprintf("Load tail at version %d", n), h.Events, all[h.Snapshot.Version:])
	sameState(t, fmt.Sprintf("snapshot at %d", h.Snapshot.Version), h.Snapshot, replay(t, all[:h.Snapshot.Version]))
	got, err := h.State()
	if err != nil {
		t.Fatal(err)
	}
	sameState(t, fmt.Sprintf("Load at version %d", n), got, replay(t, all))
}

// testSnapshotVersions checks Snapshot(v) for every v: the latest multiple
// of SnapshotEvery at or before v, and the state at that version.
func testSnapshotVersions(t *testing.T, s store) {
	all := append(seed(t, s, "acc-1", 7), mustAppend(t, s, "acc-1", 7, makeEvents("acc-1", 7, 36, "c-x"), "c-x").Events...)
	for v := int64(0); v <= 50; v++ {
		got, err := s.Snapshot(context.Background(), "acc-1", v)
		if err != nil {
			t.Fatalf("Snapshot(%d): %v", v, err)
		}
		at := min(v, int64(len(all)))
		at -= at % events.SnapshotEvery
		if at == 0 {
			sameState(t, fmt.Sprintf("Snapshot(%d)", v), got, events.State{})
			continue
		}
		sameState(t, fmt.Sprintf("Snapshot(%d)", v), got, replay(t, all[:at]))
	}
}

// testLoadBounded builds 100,000 events with the biggest appends the store
// takes and checks that Load returns the snapshot at 100,000 and no events,
// then a tail of 9, and that it folds to the full replay.
func testLoadBounded(t *testing.T, s store) {
	const n = 100_000
	all := seed(t, s, "acc-1", n)
	if h := load(t, s, "acc-1"); h.Snapshot.Version != n || len(h.Events) != 0 {
		t.Fatalf("Load at %d: snapshot at %d and %d events; want %d and 0", n, h.Snapshot.Version, len(h.Events), n)
	}
	all = append(all, mustAppend(t, s, "acc-1", n, makeEvents("acc-1", n, 9, "c-tail"), "c-tail").Events...)
	h := load(t, s, "acc-1")
	if h.Snapshot.Version != n || len(h.Events) != events.SnapshotEvery-1 {
		t.Fatalf("Load at %d: snapshot at %d and %d events; want %d and %d", n+9, h.Snapshot.Version, len(h.Events), n, events.SnapshotEvery-1)
	}
	got, err := h.State()
	if err != nil {
		t.Fatal(err)
	}
	sameState(t, "Load vs full replay", got, replayStored(t, s, "acc-1"))
	// makeEvents deposits v at each version v from 2 on.
	if last := int64(len(all)); got.Version != last || got.Balance != last*(last+1)/2-1 {
		t.Fatalf("Load folds to version %d, balance %d; want %d, %d", got.Version, got.Balance, last, last*(last+1)/2-1)
	}
}
