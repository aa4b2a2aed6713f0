package storetest

import (
	"context"
	"testing"

	"github.com/stepfold/stepfold/core"
)

func testDuplicate(t *testing.T, s store) {
	ctx := context.Background()
	first := mustAppend(t, s, "s-1", 0, makeEvents("s-1", 0, 2, "c-a"), "c-a")
	again := mustDuplicate(t, s, "s-1", "c-a", 0, makeEvents("s-1", 0, 2, "c-a"))
	sameEvents(t, "retry at the same version", again.Events, first.Events)
	mustAppend(t, s, "s-1", 2, makeEvents("s-1", 2, 1, "c-b"), "c-b")
	later := mustDuplicate(t, s, "s-1", "c-a", 3, makeEvents("s-1", 3, 1, "c-a"))
	sameEvents(t, "retry at a later version", later.Events, first.Events)
	if all := readAll(t, s, "s-1"); len(all) != 3 {
		t.Fatalf("%d events stored, want 3: a duplicate wrote something", len(all))
	}
	got, err := s.Command(ctx, "s-1", "c-a")
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "Command(c-a)", got, first.Events)
	if got, err = s.Command(ctx, "s-1", "c-never"); err != nil || got != nil {
		t.Fatalf("Command of an unknown command: %v, %v; want nil, nil", got, err)
	}
	ten := mustAppend(t, s, "s-2", 0, makeEvents("s-2", 0, 10, "c-ten"), "c-ten")
	sameEvents(t, "retry of a command that reached a snapshot", mustDuplicate(t, s, "s-2", "c-ten", 0, makeEvents("s-2", 0, 10, "c-ten")).Events, ten.Events)
}

// mustDuplicate appends evs as command cmd of stream, without the snapshots
// a new append would need, and fails the test unless the store reports a
// duplicate: a duplicate is recognised whatever it carries.
func mustDuplicate(t *testing.T, s store, stream, cmd string, expected int64, evs []core.Event) core.Appended {
	t.Helper()
	got, err := s.Append(context.Background(), core.Batch{Stream: stream, Expected: expected, Events: evs, CommandID: cmd})
	if err != nil || !got.Duplicate {
		t.Fatalf("Append of an applied command at expected %d: duplicate=%v, %v; want a duplicate", expected, got.Duplicate, err)
	}
	return got
}

// testConcurrentRetries sends one command many times at once. Exactly one
// copy is applied; each other copy either sees it (a duplicate with the same
// events) or loses the version race (VersionConflict), and a later retry is
// a duplicate.
func testConcurrentRetries(t *testing.T, s store) {
	const n = 16
	results := make(chan core.Appended, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			got, err := s.Append(context.Background(), batch("s-1", 0, makeEvents("s-1", 0, 1, "c-a"), "c-a"))
			results <- got
			errs <- err
		}()
	}
	applied := 0
	for range n {
		got, err := <-results, <-errs
		switch {
		case err != nil:
			wantError(t, "a concurrent retry", err, core.ErrVersionConflict)
		case !got.Duplicate:
			applied++
		}
	}
	if applied != 1 {
		t.Fatalf("the command was applied %d times, want once", applied)
	}
	mustDuplicate(t, s, "s-1", "c-a", 0, makeEvents("s-1", 0, 1, "c-a"))
	if all := readAll(t, s, "s-1"); len(all) != 1 {
		t.Fatalf("%d events stored, want 1", len(all))
	}
}
