package storetest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// RunStateStore checks that the stores newStore builds satisfy the
// events.StateStore contract. It calls newStore once per subtest.
func RunStateStore(t *testing.T, newStore func(t *testing.T) events.StateStore) {
	t.Helper()
	runCases(t, []suiteCase[events.StateStore]{
		{"unknown account is AccountNotFound", testStateUnknown},
		{"put then get round-trips", testStateRoundTrip},
		{"only moves forward", testStateForward},
		{"concurrent puts keep the newest", testStateConcurrent},
		{"bad input is rejected", testStateBadInput},
		{"canceled context", testStateCanceled},
	}, newStore)
}

func sampleState(account string, version int64) events.State {
	return events.State{
		Account: account, Version: version, Status: events.StatusOpen, Currency: "EUR",
		Balance: 100 * version, Reversed: []int64{2, 5}, LastOccurredAt: base.Add(time.Duration(version) * time.Hour),
	}
}

func mustPut(t *testing.T, s events.StateStore, st events.State, want bool) {
	t.Helper()
	got, err := s.Put(context.Background(), st)
	if err != nil || got != want {
		t.Fatalf("Put(%s v%d) = %v, %v; want %v, nil", st.Account, st.Version, got, err, want)
	}
}

func mustGet(t *testing.T, s events.StateStore, account string) events.State {
	t.Helper()
	st, err := s.Get(context.Background(), account)
	if err != nil {
		t.Fatalf("Get(%s): %v", account, err)
	}
	return st
}

func testStateUnknown(t *testing.T, s events.StateStore) {
	mustPut(t, s, sampleState("acc-1", 1), true)
	_, err := s.Get(context.Background(), "acc-2")
	wantError(t, "Get of an unknown account", err, events.ErrAccountNotFound)
}

func testStateRoundTrip(t *testing.T, s events.StateStore) {
	want := sampleState("acc-1", 7)
	mustPut(t, s, want, true)
	sameState(t, "Get", mustGet(t, s, "acc-1"), want)
}

func testStateForward(t *testing.T, s events.StateStore) {
	mustPut(t, s, sampleState("acc-1", 5), true)
	older := sampleState("acc-1", 3)
	mustPut(t, s, older, false)
	same := sampleState("acc-1", 5)
	same.Balance = -1
	mustPut(t, s, same, false)
	sameState(t, "after an older and an equal put", mustGet(t, s, "acc-1"), sampleState("acc-1", 5))
	mustPut(t, s, sampleState("acc-1", 6), true)
	sameState(t, "after a newer put", mustGet(t, s, "acc-1"), sampleState("acc-1", 6))
}

func testStateConcurrent(t *testing.T, s events.StateStore) {
	const n = 32
	errs := make(chan error, n)
	for _, v := range rand.Perm(n) {
		go func() { _, err := s.Put(context.Background(), sampleState("acc-1", int64(v)+1)); errs <- err }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sameState(t, "after concurrent puts", mustGet(t, s, "acc-1"), sampleState("acc-1", n))
}

func testStateBadInput(t *testing.T, s events.StateStore) {
	ctx := context.Background()
	for _, st := range []events.State{sampleState("", 1), sampleState("a:b", 1), sampleState("acc-1", 0), sampleState("acc-1", -3)} {
		stored, err := s.Put(ctx, st)
		wantError(t, "Put of account "+st.Account, err, events.ErrInvalidArgument)
		if stored {
			t.Errorf("Put(%q v%d) reported storing an invalid state", st.Account, st.Version)
		}
	}
	_, err := s.Get(ctx, "")
	wantError(t, "Get of an empty account id", err, events.ErrInvalidArgument)
	_, err = s.Get(ctx, "acc-1")
	wantError(t, "Get after only invalid puts", err, events.ErrAccountNotFound)
}

func testStateCanceled(t *testing.T, s events.StateStore) {
	mustPut(t, s, sampleState("acc-1", 1), true)
	_, err := s.Put(canceled(), sampleState("acc-1", 2))
	wantError(t, "Put", err, context.Canceled)
	_, err = s.Get(canceled(), "acc-1")
	wantError(t, "Get", err, context.Canceled)
	if got := mustGet(t, s, "acc-1"); got.Version != 1 {
		t.Fatalf("a canceled Put stored version %d", got.Version)
	}
}
