package events_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// ledger makes an account with n-1 deposits of 1..n-1 after its opening.
func ledger(t testing.TB, account string, n int) []events.Event {
	t.Helper()
	var s events.State
	all := make([]events.Event, 0, n)
	for i := 0; i < n; i++ {
		c := events.Command{Type: events.Deposit, AccountID: account, CommandID: fmt.Sprintf("c%d", i), Amount: int64(i)}
		if i == 0 {
			c = events.Command{Type: events.OpenAccount, AccountID: account, CommandID: "c0", Currency: "EUR"}
		}
		evs, err := events.Decide(s, c, nil, t0.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		s = events.Apply(s, evs[0])
		all = append(all, evs[0])
	}
	return all
}

func TestSnapshotPlusTailEqualsFullReplay(t *testing.T) {
	all := ledger(t, "a", 37)
	full, err := events.Replay(events.State{}, all)
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := events.Snapshots(events.History{}, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 3 || snaps[0].Version != 10 || snaps[2].Version != 30 {
		t.Fatalf("snapshots at %v; want versions 10, 20, 30", versions(snaps))
	}
	h := events.History{Snapshot: snaps[2], Events: all[30:]}
	got, err := h.State()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(full) {
		t.Fatalf("snapshot+tail = %+v\nfull replay   = %+v", got, full)
	}
	if want := int64(36 * 37 / 2); full.Balance != want {
		t.Errorf("balance = %d, want %d", full.Balance, want)
	}
}

func TestSnapshotsContinueFromHistory(t *testing.T) {
	all := ledger(t, "a", 25)
	first, _ := events.Snapshots(events.History{}, all[:15])
	later, err := events.Snapshots(events.History{Snapshot: first[0], Events: all[10:15]}, all[15:])
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := events.Replay(events.State{}, all[:20])
	if len(later) != 1 || fmt.Sprint(later[0]) != fmt.Sprint(direct) {
		t.Fatalf("snapshot at 20 = %+v, want %+v", later, direct)
	}
}

func versions(ss []events.State) []int64 {
	var vs []int64
	for _, s := range ss {
		vs = append(vs, s.Version)
	}
	return vs
}

func TestReplayRejectsGapsAndStrangers(t *testing.T) {
	all := ledger(t, "a", 5)
	other := ledger(t, "b", 5)
	tests := []struct {
		name string
		evs  []events.Event
	}{
		{"gap", []events.Event{all[0], all[2]}},
		{"repeat", []events.Event{all[0], all[0]}},
		{"other account", []events.Event{all[0], other[1]}},
		{"not from the start", all[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := events.Replay(events.State{}, tt.evs); err == nil {
				t.Fatal("Replay accepted a broken sequence")
			}
		})
	}
}

func TestReplayUntilBusinessTime(t *testing.T) {
	all := ledger(t, "a", 6) // deposits of 1..5, one hour apart
	// A backdated deposit, recorded last, for a time before the third event.
	late := all[len(all)-1]
	s, _ := events.Replay(events.State{}, all)
	evs, err := events.Decide(s, events.Command{Type: events.Deposit, AccountID: "a", CommandID: "late",
		Amount: 100, OccurredAt: t0.Add(90 * time.Minute)}, nil, late.OccurredAt)
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, evs...)
	tests := []struct {
		at   time.Time
		want int64
	}{
		{t0.Add(-time.Hour), 0},
		{t0.Add(time.Hour), 1},
		{t0.Add(2 * time.Hour), 1 + 2 + 100},
		{t0.Add(10 * time.Hour), 15 + 100},
	}
	for _, tt := range tests {
		got, err := events.ReplayUntil(events.State{}, all, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got.Balance != tt.want {
			t.Errorf("balance as of %v = %d, want %d", tt.at, got.Balance, tt.want)
		}
	}
}

func TestApplyTracksLastOccurredAt(t *testing.T) {
	all := ledger(t, "a", 3)
	s := events.Apply(events.Apply(events.State{}, all[0]), all[2])
	if !s.LastOccurredAt.Equal(all[2].OccurredAt) {
		t.Errorf("LastOccurredAt = %v, want %v", s.LastOccurredAt, all[2].OccurredAt)
	}
	s = events.Apply(s, all[1]) // earlier business time: the maximum stays
	if !s.LastOccurredAt.Equal(all[2].OccurredAt) {
		t.Errorf("LastOccurredAt moved back to %v", s.LastOccurredAt)
	}
}

func TestApplyUndecodableData(t *testing.T) {
	all := ledger(t, "a", 2)
	bad := all[1]
	bad.Data = []byte(`{"amount":"lots"}`)
	s := events.Apply(events.Apply(events.State{}, all[0]), bad)
	if s.Version != 2 || s.Balance != 0 {
		t.Errorf("Apply of bad data = %+v; want version 2, balance unchanged", s)
	}
	if _, err := events.Replay(events.State{}, []events.Event{all[0], bad}); err == nil {
		t.Error("Replay accepted undecodable data")
	}
}

func TestEventIDRoundTrip(t *testing.T) {
	tests := []struct {
		id      string
		account string
		version int64
		ok      bool
	}{
		{"acc-1:3", "acc-1", 3, true},
		{"a.b_c:100000", "a.b_c", 100000, true},
		{"acc-1", "", 0, false},
		{"acc-1:0", "", 0, false},
		{"acc-1:-2", "", 0, false},
		{":5", "", 0, false},
		{"a/b:5", "", 0, false},
	}
	for _, tt := range tests {
		account, version, err := events.ParseEventID(tt.id)
		if (err == nil) != tt.ok || account != tt.account || version != tt.version {
			t.Errorf("ParseEventID(%q) = %q, %d, %v", tt.id, account, version, err)
		}
		if tt.ok && events.EventID(account, version) != tt.id {
			t.Errorf("EventID(%q, %d) does not round-trip", account, version)
		}
		if !tt.ok && !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("ParseEventID(%q) error %v is not InvalidArgument", tt.id, err)
		}
	}
}

func TestTransactionAmountPaths(t *testing.T) {
	tests := []struct {
		data string
		want int64
		ok   bool
	}{
		{`{"amount":1500}`, 1500, true},
		{`{"amount":1500,"reference":"x"}`, 1500, true},
		{`{"reference":"x","amount":7}`, 7, true}, // not our order: the general decoder
		{`{"amount":0150}`, 0, false},
		{`{"amount":1e3}`, 0, false},
		{`{"amount":"5"}`, 0, false},
	}
	for _, tt := range tests {
		e := events.Event{ID: "a:2", Account: "a", Version: 2, Type: events.FundsDeposited, Data: []byte(tt.data)}
		s, err := events.Replay(events.State{Account: "a", Version: 1, Status: events.StatusOpen}, []events.Event{e})
		if (err == nil) != tt.ok || (tt.ok && s.Balance != tt.want) {
			t.Errorf("data %s: balance %d, err %v; want %d, ok %v", tt.data, s.Balance, err, tt.want, tt.ok)
		}
	}
}
