package storetest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// RunStateStore checks that the stores newStore builds satisfy the
// events.StateStore contract. It calls newStore once per subtest.
func RunStateStore(t *testing.T, newStore func(t *testing.T) events.StateStore) {
	t.Helper()
	runCases(t, []suiteCase[events.StateStore]{
		{"unknown stream is NotFound", testStateUnknown},
		{"put then get round-trips", testStateRoundTrip},
		{"only moves forward", testStateForward},
		{"concurrent puts keep the newest", testStateConcurrent},
		{"bad input is rejected", testStateBadInput},
		{"canceled context", testStateCanceled},
	}, newStore)
}

func mustPut(t *testing.T, s events.StateStore, stream string, snap events.Snapshot, want bool) {
	t.Helper()
	got, err := s.Put(context.Background(), stream, snap)
	if err != nil || got != want {
		t.Fatalf("Put(%s v%d) = %v, %v; want %v, nil", stream, snap.Version, got, err, want)
	}
}

func mustGet(t *testing.T, s events.StateStore, stream string) events.Snapshot {
	t.Helper()
	snap, err := s.Get(context.Background(), stream)
	if err != nil {
		t.Fatalf("Get(%s): %v", stream, err)
	}
	return snap
}

func testStateUnknown(t *testing.T, s events.StateStore) {
	mustPut(t, s, "s-1", snapshotAt(1), true)
	_, err := s.Get(context.Background(), "s-2")
	wantError(t, "Get of an unknown stream", err, events.ErrNotFound)
}

func testStateRoundTrip(t *testing.T, s events.StateStore) {
	want := snapshotAt(7)
	mustPut(t, s, "s-1", want, true)
	got := mustGet(t, s, "s-1")
	sameSnapshot(t, "Get", got, want)
	if !json.Valid(got.State) {
		t.Fatalf("Get returned state %q, which is not JSON", got.State)
	}
}

func testStateForward(t *testing.T, s events.StateStore) {
	mustPut(t, s, "s-1", snapshotAt(5), true)
	mustPut(t, s, "s-1", snapshotAt(3), false)
	same := snapshotAt(5)
	same.State = json.RawMessage(`{"count":-1}`)
	mustPut(t, s, "s-1", same, false)
	sameSnapshot(t, "after an older and an equal put", mustGet(t, s, "s-1"), snapshotAt(5))
	mustPut(t, s, "s-1", snapshotAt(6), true)
	sameSnapshot(t, "after a newer put", mustGet(t, s, "s-1"), snapshotAt(6))
}

func testStateConcurrent(t *testing.T, s events.StateStore) {
	const n = 32
	errs := make(chan error, n)
	for _, v := range rand.Perm(n) {
		go func() { _, err := s.Put(context.Background(), "s-1", snapshotAt(int64(v)+1)); errs <- err }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sameSnapshot(t, "after concurrent puts", mustGet(t, s, "s-1"), snapshotAt(n))
}

func testStateBadInput(t *testing.T, s events.StateStore) {
	ctx := context.Background()
	notJSON := snapshotAt(1)
	notJSON.State = json.RawMessage(`{"count":`)
	bad := []struct {
		stream string
		snap   events.Snapshot
	}{
		{"", snapshotAt(1)}, {"a:b", snapshotAt(1)}, {"..", snapshotAt(1)},
		{"s-1", snapshotAt(0)}, {"s-1", events.Snapshot{Version: -3, State: json.RawMessage(`{}`)}}, {"s-1", notJSON},
	}
	for _, b := range bad {
		stored, err := s.Put(ctx, b.stream, b.snap)
		wantError(t, "Put of stream "+b.stream, err, events.ErrInvalidArgument)
		if stored {
			t.Errorf("Put(%q v%d) reported storing an invalid state", b.stream, b.snap.Version)
		}
	}
	_, err := s.Get(ctx, "")
	wantError(t, "Get of an empty stream id", err, events.ErrInvalidArgument)
	_, err = s.Get(ctx, "s-1")
	wantError(t, "Get after only invalid puts", err, events.ErrNotFound)
}

func testStateCanceled(t *testing.T, s events.StateStore) {
	mustPut(t, s, "s-1", snapshotAt(1), true)
	_, err := s.Put(canceled(), "s-1", snapshotAt(2))
	wantError(t, "Put", err, context.Canceled)
	_, err = s.Get(canceled(), "s-1")
	wantError(t, "Get", err, context.Canceled)
	if got := mustGet(t, s, "s-1"); got.Version != 1 {
		t.Fatalf("a canceled Put stored version %d", got.Version)
	}
}
