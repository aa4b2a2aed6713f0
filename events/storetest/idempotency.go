package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stepfold/stepfold/events"
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
	got, err := s.Command(ctx, "s-1", "c-a", "")
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "Command(c-a)", got, first.Events)
	if got, err = s.Command(ctx, "s-1", "c-never", ""); err != nil || got != nil {
		t.Fatalf("Command of an unknown command: %v, %v; want nil, nil", got, err)
	}
	ten := mustAppend(t, s, "s-2", 0, makeEvents("s-2", 0, 10, "c-ten"), "c-ten")
	sameEvents(t, "retry of a command that reached a snapshot", mustDuplicate(t, s, "s-2", "c-ten", 0, makeEvents("s-2", 0, 10, "c-ten")).Events, ten.Events)
}

// mustDuplicate appends evs as command cmd of stream, without the snapshots
// a new append would need, and fails the test unless the store reports a
// duplicate: a duplicate is recognised whatever it carries.
func mustDuplicate(t *testing.T, s store, stream, cmd string, expected int64, evs []events.Event) events.Appended {
	t.Helper()
	got, err := s.Append(context.Background(), events.Batch{Stream: stream, Expected: expected, Events: evs, CommandID: cmd})
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
			wantError(t, "a concurrent retry", err, events.ErrVersionConflict)
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

// Fingerprints of two different requests that use one command id.
const (
	fpFirst  events.Fingerprint = "fingerprint-of-the-first-request"
	fpSecond events.Fingerprint = "fingerprint-of-another-request"
)

// testReusedKey records c-a with a fingerprint and sends the id again: with
// the same fingerprint (or none, which does not check) it is a duplicate,
// with another one IdempotencyKeyReused, from Append at any expected
// version and from Command, and nothing more is written.
func testReusedKey(t *testing.T, s store) {
	ctx := context.Background()
	first, err := s.Append(ctx, reuse(0, fpFirst))
	if err != nil || first.Duplicate {
		t.Fatalf("first Append: %+v, %v", first, err)
	}
	mustAppend(t, s, "s-1", 1, makeEvents("s-1", 1, 1, "c-b"), "c-b")
	for _, expected := range []int64{0, 1, 2} {
		_, err := s.Append(ctx, reuse(expected, fpSecond))
		wantError(t, fmt.Sprintf("Append of c-a for another request at expected %d", expected), err, events.ErrIdempotencyKeyReused)
	}
	for _, fp := range []events.Fingerprint{fpFirst, ""} {
		got, err := s.Append(ctx, reuse(2, fp))
		if err != nil || !got.Duplicate {
			t.Fatalf("Append of c-a with fingerprint %q: duplicate=%v, %v; want a duplicate", fp, got.Duplicate, err)
		}
		sameEvents(t, "the duplicate's events", got.Events, first.Events)
		evs, err := s.Command(ctx, "s-1", "c-a", fp)
		if err != nil {
			t.Fatalf("Command(c-a, %q): %v", fp, err)
		}
		sameEvents(t, "Command(c-a)", evs, first.Events)
	}
	_, err = s.Command(ctx, "s-1", "c-a", fpSecond)
	wantError(t, "Command of c-a for another request", err, events.ErrIdempotencyKeyReused)
	if all := readAll(t, s, "s-1"); len(all) != 2 {
		t.Fatalf("%d events stored, want 2: a refused request wrote something", len(all))
	}
}

// testNoFingerprint records c-a without a fingerprint, as a store written
// before fingerprints existed holds it: a request with any fingerprint is
// then a duplicate, as it always was.
func testNoFingerprint(t *testing.T, s store) {
	ctx := context.Background()
	first := mustAppend(t, s, "s-1", 0, makeEvents("s-1", 0, 1, "c-a"), "c-a")
	got, err := s.Append(ctx, reuse(1, fpSecond))
	if err != nil || !got.Duplicate {
		t.Fatalf("Append of c-a with a fingerprint: duplicate=%v, %v; want a duplicate", got.Duplicate, err)
	}
	sameEvents(t, "the duplicate's events", got.Events, first.Events)
	evs, err := s.Command(ctx, "s-1", "c-a", fpSecond)
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, "Command(c-a)", evs, first.Events)
}

// testConcurrentReuse sends many different requests with one command id at
// once. Exactly one is applied. No other one succeeds, as applied or as a
// duplicate (which would give it the winner's answer): each gets
// IdempotencyKeyReused, or VersionConflict when it lost the version race
// first, and a retry of it after the race is IdempotencyKeyReused.
func testConcurrentReuse(t *testing.T, s store) {
	const n = 16
	type result struct {
		fp  events.Fingerprint
		got events.Appended
		err error
	}
	results := make(chan result, n)
	for i := range n {
		fp := events.Fingerprint(fmt.Sprintf("request-%d", i))
		go func() {
			got, err := s.Append(context.Background(), reuse(0, fp))
			results <- result{fp, got, err}
		}()
	}
	var winner events.Fingerprint
	var losers []events.Fingerprint
	for range n {
		r := <-results
		switch {
		case r.err == nil && !r.got.Duplicate && winner == "":
			winner = r.fp
		case r.err == nil:
			t.Errorf("request %s succeeded (duplicate=%v) besides the winner %s", r.fp, r.got.Duplicate, winner)
		case !errors.Is(r.err, events.ErrIdempotencyKeyReused) && !errors.Is(r.err, events.ErrVersionConflict):
			t.Errorf("request %s: %v, want IdempotencyKeyReused or VersionConflict", r.fp, r.err)
		default:
			losers = append(losers, r.fp)
		}
	}
	if winner == "" {
		t.Fatal("no request was applied")
	}
	for _, fp := range losers {
		_, err := s.Append(context.Background(), reuse(1, fp))
		wantError(t, "a retry of a losing request", err, events.ErrIdempotencyKeyReused)
	}
	if _, err := s.Command(context.Background(), "s-1", "c-a", winner); err != nil {
		t.Errorf("Command for the winner: %v", err)
	}
	if all := readAll(t, s, "s-1"); len(all) != 1 {
		t.Fatalf("%d events stored, want 1", len(all))
	}
}

// reuse is an append of command c-a, one event after expected on s-1, sent
// with fingerprint fp.
func reuse(expected int64, fp events.Fingerprint) events.Batch {
	b := batch("s-1", expected, makeEvents("s-1", expected, 1, "c-a"), "c-a")
	b.Fingerprint = fp
	return b
}
