package storetest

import (
	"context"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func testDuplicate(t *testing.T, s store) {
	ctx := context.Background()
	first := mustAppend(t, s, "acc-1", 0, makeEvents("acc-1", 0, 2, "c-a"), "c-a")
	again := mustDuplicate(t, s, 0, makeEvents("acc-1", 0, 2, "c-a"))
	sameEvents(t, "retry at the same version", again.Events, first.Events)
	mustAppend(t, s, "acc-1", 2, makeEvents("acc-1", 2, 1, "c-b"), "c-b")
	later := mustDuplicate(t, s, 3, makeEvents("acc-1", 3, 1, "c-a"))
	sameEvents(t, "retry at a later version", later.Events, first.Events)
	if all := readAll(t, s, "acc-1"); len(all) != 3 {
		t.Fatalf("%d events stored, want 3: a duplicate wrote something", len(all))
	}
	got, err := s.Command(ctx, "acc-1", "c-a")
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "Command(c-a)", got, first.Events)
	if got, err = s.Command(ctx, "acc-1", "c-never"); err != nil || got != nil {
		t.Fatalf("Command of an unknown command: %v, %v; want nil, nil", got, err)
	}
}

// mustDuplicate appends evs as command c-a of acc-1 and fails the test
// unless the store reports a duplicate.
func mustDuplicate(t *testing.T, s store, expected int64, evs []events.Event) events.Appended {
	t.Helper()
	got, err := s.Append(context.Background(), "acc-1", expected, evs, "c-a")
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
	results := make(chan events.Appended, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			got, err := s.Append(context.Background(), "acc-1", 0, makeEvents("acc-1", 0, 1, "c-a"), "c-a")
			results <- got
			errs <- err
		}()
	}
	applied := 0
	for range n {
		got, err := <-results, <-errs
		switch {
		case err != nil:
			wantError(t, "a concurrent retry", err, events.ErrVersionConflict)
		case !got.Duplicate:
			applied++
		}
	}
	if applied != 1 {
		t.Fatalf("the command was applied %d times, want once", applied)
	}
	mustDuplicate(t, s, 0, makeEvents("acc-1", 0, 1, "c-a"))
	if all := readAll(t, s, "acc-1"); len(all) != 1 {
		t.Fatalf("%d events stored, want 1", len(all))
	}
}
