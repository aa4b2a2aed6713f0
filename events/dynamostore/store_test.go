package dynamostore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// accountEvents returns n events of account from version from: an
// AccountOpened at version 1 and deposits of 100 after it.
func accountEvents(account string, from int64, n int, commandID string) []events.Event {
	evs := make([]events.Event, n)
	for i := range evs {
		v := from + int64(i)
		e := events.Event{
			ID: events.EventID(account, v), Account: account, Version: v,
			Type: events.FundsDeposited, SchemaVersion: events.SchemaVersion,
			OccurredAt: t0.Add(time.Duration(v) * time.Minute), CommandID: commandID,
			CorrelationID: "corr-" + commandID, Data: json.RawMessage(`{"amount": 100}`),
		}
		if v == 1 {
			e.Type, e.Data = events.AccountOpened, json.RawMessage(`{"currency":"EUR"}`)
		}
		evs[i] = e
	}
	return evs
}

// appendN appends n events to account, one command each, from version 1.
func appendN(t *testing.T, s *Store, account string, n int) []events.Event {
	t.Helper()
	var all []events.Event
	for v := int64(1); v <= int64(n); v++ {
		cmd := fmt.Sprintf("c%d", v)
		got, err := s.Append(context.Background(), account, v-1, accountEvents(account, v, 1, cmd), cmd, "")
		if err != nil {
			t.Fatalf("append version %d: %v", v, err)
		}
		all = append(all, got.Events...)
	}
	return all
}

func TestAppendAndLoad(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	stored := appendN(t, s, "acc-1", 25)
	h, err := s.Load(ctx, "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if h.Snapshot.Version != 20 || h.Snapshot.Balance != 1900 || len(h.Events) != 5 || h.Events[0].Version != 21 {
		t.Fatalf("Load = snapshot v%d balance %d, %d events; want v20, 1900, 5 events from 21", h.Snapshot.Version, h.Snapshot.Balance, len(h.Events))
	}
	st, err := h.State()
	if err != nil || st.Version != 25 || st.Balance != 2400 || st.Currency != "EUR" {
		t.Fatalf("State = %+v, %v; want version 25, balance 2400 EUR", st, err)
	}
	if !equalEvents(h.Events, stored[20:]) {
		t.Fatalf("Load events differ from the appended ones:\n%+v\n%+v", h.Events, stored[20:])
	}
	for i := 1; i < len(stored); i++ {
		if !stored[i].RecordedAt.After(stored[i-1].RecordedAt) {
			t.Fatalf("RecordedAt of version %d is not after version %d's", i+1, i)
		}
	}
}

func TestLoadEmptyAndInvalid(t *testing.T) {
	s := newTestStore(t)
	h, err := s.Load(context.Background(), "nobody")
	if err != nil || h.Snapshot.Version != 0 || len(h.Events) != 0 {
		t.Fatalf("Load of an empty account = %+v, %v", h, err)
	}
	if _, err := s.Load(context.Background(), "bad#id"); !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("Load of a bad id: %v, want InvalidArgument", err)
	}
}

func TestLoadAtSnapshotBoundaries(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	for v := int64(1); v <= 31; v++ {
		cmd := fmt.Sprintf("c%d", v)
		if _, err := s.Append(ctx, "acc", v-1, accountEvents("acc", v, 1, cmd), cmd, ""); err != nil {
			t.Fatal(err)
		}
		h, err := s.Load(ctx, "acc")
		if err != nil {
			t.Fatal(err)
		}
		wantSnap := v - v%events.SnapshotEvery
		if h.Snapshot.Version != wantSnap || int64(len(h.Events)) != v-wantSnap {
			t.Fatalf("at version %d: snapshot %d with %d events; want %d with %d", v, h.Snapshot.Version, len(h.Events), wantSnap, v-wantSnap)
		}
	}
}

func TestAppendBatchWritesSnapshots(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	got, err := s.Append(ctx, "acc", 0, accountEvents("acc", 1, 23, "big"), "big", "")
	if err != nil || len(got.Events) != 23 || got.Duplicate {
		t.Fatalf("Append = %d events, duplicate %v, %v", len(got.Events), got.Duplicate, err)
	}
	tests := []struct {
		version, want int64
	}{{0, 0}, {9, 0}, {10, 10}, {19, 10}, {20, 20}, {23, 20}, {47, 20}}
	for _, tt := range tests {
		snap, err := s.Snapshot(ctx, "acc", tt.version)
		if err != nil || snap.Version != tt.want {
			t.Errorf("Snapshot(%d) = version %d, %v; want %d", tt.version, snap.Version, err, tt.want)
		}
	}
	snap, _ := s.Snapshot(ctx, "acc", 15)
	if snap.Balance != 900 || snap.Status != events.StatusOpen {
		t.Errorf("snapshot at 10 = %+v; want balance 900, open", snap)
	}
}

func TestDuplicateCommand(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	first, err := s.Append(ctx, "acc", 0, accountEvents("acc", 1, 2, "open"), "open", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		expected int64
	}{
		{"stale expected version", 0},        // found before the transaction
		{"current expected version", 2},      // found by the dedupe condition
		{"expected version from future", 10}, // found before the transaction
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := accountEvents("acc", tt.expected+1, 2, "open")
			got, err := s.Append(ctx, "acc", tt.expected, evs, "open", "")
			if err != nil || !got.Duplicate || !equalEvents(got.Events, first.Events) {
				t.Fatalf("Append again = %+v, %v; want the first events as a duplicate", got, err)
			}
		})
	}
	h, _ := s.Load(ctx, "acc")
	if len(h.Events) != 2 {
		t.Fatalf("duplicates wrote events: %d stored", len(h.Events))
	}
	cmd, err := s.Command(ctx, "acc", "open", "")
	if err != nil || !equalEvents(cmd, first.Events) {
		t.Fatalf("Command = %+v, %v", cmd, err)
	}
	if cmd, err := s.Command(ctx, "acc", "never", ""); err != nil || cmd != nil {
		t.Fatalf("Command of an unknown id = %+v, %v; want nil, nil", cmd, err)
	}
}

func TestVersionConflict(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	appendN(t, s, "acc", 3)
	for _, expected := range []int64{0, 2, 4} {
		_, err := s.Append(ctx, "acc", expected, accountEvents("acc", expected+1, 1, "x"), "x", "")
		if !errors.Is(err, events.ErrVersionConflict) {
			t.Errorf("Append at expected %d: %v, want VersionConflict", expected, err)
		}
	}
}

func TestConcurrentAppendsOneWins(t *testing.T) {
	s := newTestStore(t)
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			cmd := fmt.Sprintf("w%d", i)
			_, errs[i] = s.Append(context.Background(), "acc", 0, accountEvents("acc", 1, 1, cmd), cmd, "")
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, events.ErrVersionConflict):
			t.Errorf("a losing writer got %v, want VersionConflict", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won; want exactly 1", wins)
	}
}

func TestRead(t *testing.T) {
	s := newTestStore(t)
	stored := appendN(t, s, "acc", 12)
	tests := []struct {
		from     int64
		limit    int
		want     []events.Event
		wantCode events.Code
	}{
		{1, 1000, stored, ""},
		{5, 3, stored[4:7], ""},
		{11, 10, stored[10:], ""},
		{13, 10, nil, ""},
		{0, 10, nil, events.CodeInvalidArgument},
		{1, 0, nil, events.CodeInvalidArgument},
		{1, events.MaxReadLimit + 1, nil, events.CodeInvalidArgument},
	}
	for _, tt := range tests {
		got, err := s.Read(context.Background(), "acc", tt.from, tt.limit)
		if events.ErrorCode(err) != tt.wantCode || !equalEvents(got, tt.want) {
			t.Errorf("Read(%d, %d) = %d events, %v; want %d events, code %q", tt.from, tt.limit, len(got), err, len(tt.want), tt.wantCode)
		}
	}
}

// TestReadPaginates stores more than DynamoDB's 1 MB Query page.
func TestReadPaginates(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	pad := strings.Repeat("x", 100_000)
	for v := int64(1); v <= 14; v++ {
		e := accountEvents("acc", v, 1, fmt.Sprint("c", v))
		e[0].Data = json.RawMessage(`{"amount":1,"reference":"` + pad + `"}`)
		if _, err := s.Append(ctx, "acc", v-1, e, e[0].CommandID, ""); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Read(ctx, "acc", 2, 1000)
	if err != nil || len(got) != 13 || got[0].Version != 2 || got[12].Version != 14 {
		t.Fatalf("Read = %d events, %v; want versions 2..14", len(got), err)
	}
}

func TestAccounts(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	ids := []string{"m", "b", "a.1", "z", "B", "a", "c-9"}
	for _, id := range ids {
		if _, err := s.Append(ctx, id, 0, accountEvents(id, 1, 2, "open"), "open", ""); err != nil {
			t.Fatal(err)
		}
	}
	want := slices.Sorted(slices.Values(ids))
	tests := []struct {
		after string
		limit int
		want  []string
	}{
		{"", 1000, want},
		{"", 2, want[:2]},
		{want[1], 3, want[2:5]},
		{"m", 10, []string{"z"}},
		{"z", 10, nil},
	}
	for _, tt := range tests {
		got, err := s.Accounts(ctx, tt.after, tt.limit)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Accounts(%q, %d) = %q, %v; want %q", tt.after, tt.limit, got, err, tt.want)
		}
	}
	if _, err := s.Accounts(ctx, "", 0); !errors.Is(err, events.ErrInvalidArgument) {
		t.Errorf("Accounts limit 0: %v, want InvalidArgument", err)
	}
}

func TestStateStore(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.Get(ctx, "acc"); !errors.Is(err, events.ErrAccountNotFound) {
		t.Fatalf("Get of a missing state: %v, want AccountNotFound", err)
	}
	steps := []struct {
		version int64
		want    bool
	}{{1, true}, {1, false}, {3, true}, {2, false}, {4, true}}
	for _, st := range steps {
		ok, err := s.Put(ctx, events.State{Account: "acc", Version: st.version, Status: events.StatusOpen, Balance: st.version * 10})
		if err != nil || ok != st.want {
			t.Fatalf("Put version %d = %v, %v; want %v", st.version, ok, err, st.want)
		}
	}
	got, err := s.Get(ctx, "acc")
	if err != nil || got.Version != 4 || got.Balance != 40 {
		t.Fatalf("Get = %+v, %v; want version 4, balance 40", got, err)
	}
	if _, err := s.Put(ctx, events.State{Account: "", Version: 1}); !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("Put with no account: %v, want InvalidArgument", err)
	}
}

func TestNewFromLookup(t *testing.T) {
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1"})
	tests := []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{"both", map[string]string{EnvEventsTable: "e", EnvStateTable: "s"}, true},
		{"no state", map[string]string{EnvEventsTable: "e"}, false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newFromLookup(client, func(k string) string { return tt.env[k] })
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, events.ErrInvalidArgument)) {
				t.Fatalf("newFromLookup = %v, %v", s, err)
			}
		})
	}
	if _, err := New(nil, "e", "s"); !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("New(nil) = %v, want InvalidArgument", err)
	}
}

func equalEvents(a, b []events.Event) bool {
	return slices.EqualFunc(a, b, func(x, y events.Event) bool {
		return x.ID == y.ID && x.Account == y.Account && x.Version == y.Version && x.Type == y.Type &&
			x.SchemaVersion == y.SchemaVersion && x.OccurredAt.Equal(y.OccurredAt) &&
			x.RecordedAt.Equal(y.RecordedAt) && x.CommandID == y.CommandID &&
			x.CorrelationID == y.CorrelationID && string(x.Data) == string(y.Data)
	})
}
