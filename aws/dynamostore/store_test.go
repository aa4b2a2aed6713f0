package dynamostore

import (
	"bytes"
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

// testEvents returns n events of stream from version from, all of
// commandID: "Noted" events whose data holds their version. The store
// knows no domain, so any type and JSON will do.
func testEvents(stream string, from int64, n int, commandID string) []events.Event {
	evs := make([]events.Event, n)
	for i := range evs {
		v := from + int64(i)
		evs[i] = events.Event{
			ID: events.EventID(stream, v), Stream: stream, Version: v,
			Type: "Noted", SchemaVersion: 1,
			OccurredAt: t0.Add(time.Duration(v) * time.Minute), CommandID: commandID,
			CorrelationID: "corr-" + commandID, Data: json.RawMessage(fmt.Sprintf(`{"n": %d}`, v)),
		}
	}
	return evs
}

// stateAt is the snapshot state the tests hand over at version v. Its
// white space and member order are not encoding/json's, so a store that
// re-encoded it would be seen.
func stateAt(v int64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{ "v" : %d,  "items": ["a", "b"] }`, v))
}

// snapshotAt is the snapshot the tasks would compute at version v.
func snapshotAt(v int64) events.Snapshot {
	return events.Snapshot{Version: v, State: stateAt(v), LastOccurredAt: t0.Add(time.Duration(v) * time.Minute)}
}

// batchOf is the append of n events of command cmd after expected, with
// the snapshots its events reach.
func batchOf(stream string, expected int64, n int, cmd string) events.Batch {
	return withSnapshots(events.Batch{Stream: stream, Expected: expected, Events: testEvents(stream, expected+1, n, cmd), CommandID: cmd})
}

// withSnapshots sets b's snapshots to those its events reach.
func withSnapshots(b events.Batch) events.Batch {
	b.Snapshots = nil
	for _, e := range b.Events {
		if events.SnapshotDue(e.Version) {
			b.Snapshots = append(b.Snapshots, snapshotAt(e.Version))
		}
	}
	return b
}

// appendN appends n events to stream, one command each, from version 1.
func appendN(t *testing.T, s *Store, stream string, n int) []events.Event {
	t.Helper()
	var all []events.Event
	for v := int64(1); v <= int64(n); v++ {
		got, err := s.Append(context.Background(), batchOf(stream, v-1, 1, fmt.Sprintf("c%d", v)))
		if err != nil {
			t.Fatalf("append version %d: %v", v, err)
		}
		all = append(all, got.Events...)
	}
	return all
}

// sameSnapshot fails t unless got is want with its state byte for byte.
func sameSnapshot(t *testing.T, what string, got, want events.Snapshot) {
	t.Helper()
	if got.Version != want.Version || !bytes.Equal(got.State, want.State) || !got.LastOccurredAt.Equal(want.LastOccurredAt) {
		t.Fatalf("%s = version %d, state %q, at %v; want %d, %q, at %v",
			what, got.Version, got.State, got.LastOccurredAt, want.Version, want.State, want.LastOccurredAt)
	}
}

func TestAppendAndLoad(t *testing.T) {
	s := newTestStore(t)
	stored := appendN(t, s, "s-1", 25)
	h, err := s.Load(context.Background(), "s-1")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Load's snapshot", h.Snapshot, snapshotAt(20))
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
		t.Fatalf("Load of an empty stream = %+v, %v", h, err)
	}
	if _, err := s.Load(context.Background(), "bad#id"); !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("Load of a bad id: %v, want InvalidArgument", err)
	}
}

func TestLoadAtSnapshotBoundaries(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	for v := int64(1); v <= 31; v++ {
		if _, err := s.Append(ctx, batchOf("s", v-1, 1, fmt.Sprintf("c%d", v))); err != nil {
			t.Fatal(err)
		}
		h, err := s.Load(ctx, "s")
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
	got, err := s.Append(ctx, batchOf("s", 0, 23, "big"))
	if err != nil || len(got.Events) != 23 || got.Duplicate {
		t.Fatalf("Append = %d events, duplicate %v, %v", len(got.Events), got.Duplicate, err)
	}
	tests := []struct {
		version, want int64
	}{{0, 0}, {9, 0}, {10, 10}, {19, 10}, {20, 20}, {23, 20}, {47, 20}}
	for _, tt := range tests {
		snap, err := s.Snapshot(ctx, "s", tt.version)
		if err != nil {
			t.Fatalf("Snapshot(%d): %v", tt.version, err)
		}
		want := events.Snapshot{}
		if tt.want > 0 {
			want = snapshotAt(tt.want)
		}
		sameSnapshot(t, fmt.Sprintf("Snapshot(%d)", tt.version), snap, want)
	}
}

// TestStateBytesKept stores states that encoding/json would rewrite: one
// with a string holding a byte that is not UTF-8, which json.Valid admits
// and a DynamoDB string attribute could not hold.
func TestStateBytesKept(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	odd := events.Snapshot{Version: 10, State: json.RawMessage("{\"name\":\"\xff\"}\n"), LastOccurredAt: t0}
	b := batchOf("s", 0, 10, "c")
	b.Snapshots = []events.Snapshot{odd}
	if _, err := s.Append(ctx, b); err != nil {
		t.Fatal(err)
	}
	h, err := s.Load(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Load's snapshot", h.Snapshot, odd)
	if ok, err := s.Put(ctx, "s", odd); err != nil || !ok {
		t.Fatalf("Put = %v, %v", ok, err)
	}
	got, err := s.Get(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Get", got, odd)
}

// TestDuplicateCommand retries command "open" at a stale, the current and
// a future expected version. At the current one (8) the retry's events
// reach version 10 but carry no snapshot: a command already applied is a
// duplicate whatever it carries, so the command id is checked first.
func TestDuplicateCommand(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	first, err := s.Append(ctx, batchOf("s", 0, 2, "open"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, batchOf("s", 2, 6, "more")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		expected int64
	}{
		{"stale expected version", 0},
		{"current expected version, without the snapshot", 8},
		{"expected version from the future", 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry := events.Batch{Stream: "s", Expected: tt.expected, Events: testEvents("s", tt.expected+1, 2, "open"), CommandID: "open"}
			got, err := s.Append(ctx, retry)
			if err != nil || !got.Duplicate || !equalEvents(got.Events, first.Events) {
				t.Fatalf("Append again = %+v, %v; want the first events as a duplicate", got, err)
			}
		})
	}
	if h, _ := s.Load(ctx, "s"); len(h.Events) != 8 {
		t.Fatalf("duplicates wrote events: %d stored", len(h.Events))
	}
	cmd, err := s.Command(ctx, "s", "open", "")
	if err != nil || !equalEvents(cmd, first.Events) {
		t.Fatalf("Command = %+v, %v", cmd, err)
	}
	if cmd, err := s.Command(ctx, "s", "never", ""); err != nil || cmd != nil {
		t.Fatalf("Command of an unknown id = %+v, %v; want nil, nil", cmd, err)
	}
}

// TestNewCommandNeedsItsSnapshot sends a new command whose events reach
// version 10 without the snapshot: InvalidArgument, and nothing written.
func TestNewCommandNeedsItsSnapshot(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	appendN(t, s, "s", 8)
	b := batchOf("s", 8, 2, "late")
	b.Snapshots = nil
	if _, err := s.Append(ctx, b); !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("Append without its snapshot: %v, want InvalidArgument", err)
	}
	if cmd, err := s.Command(ctx, "s", "late", ""); err != nil || cmd != nil {
		t.Fatalf("the refused command was recorded: %+v, %v", cmd, err)
	}
	if h, err := s.Load(ctx, "s"); err != nil || len(h.Events) != 8 {
		t.Fatalf("after the refused append: %d events, %v", len(h.Events), err)
	}
}

func TestVersionConflict(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	appendN(t, s, "s", 3)
	for _, expected := range []int64{0, 2, 4} {
		_, err := s.Append(ctx, batchOf("s", expected, 1, "x"))
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
			_, errs[i] = s.Append(context.Background(), batchOf("s", 0, 1, fmt.Sprintf("w%d", i)))
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
	stored := appendN(t, s, "s", 12)
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
		got, err := s.Read(context.Background(), "s", tt.from, tt.limit)
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
		b := batchOf("s", v-1, 1, fmt.Sprint("c", v))
		b.Events[0].Data = json.RawMessage(`{"n":1,"reference":"` + pad + `"}`)
		if _, err := s.Append(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Read(ctx, "s", 2, 1000)
	if err != nil || len(got) != 13 || got[0].Version != 2 || got[12].Version != 14 {
		t.Fatalf("Read = %d events, %v; want versions 2..14", len(got), err)
	}
}

func TestStreams(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	ids := []string{"m", "b", "a.1", "z", "B", "a", "c-9"}
	for _, id := range ids {
		if _, err := s.Append(ctx, batchOf(id, 0, 2, "open")); err != nil {
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
		got, err := s.Streams(ctx, tt.after, tt.limit)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Streams(%q, %d) = %q, %v; want %q", tt.after, tt.limit, got, err, tt.want)
		}
	}
	if _, err := s.Streams(ctx, "", 0); !errors.Is(err, events.ErrInvalidArgument) {
		t.Errorf("Streams limit 0: %v, want InvalidArgument", err)
	}
}

func TestStateStore(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.Get(ctx, "s"); !errors.Is(err, events.ErrNotFound) {
		t.Fatalf("Get of a missing state: %v, want NotFound", err)
	}
	steps := []struct {
		version int64
		want    bool
	}{{1, true}, {1, false}, {3, true}, {2, false}, {4, true}}
	for _, st := range steps {
		ok, err := s.Put(ctx, "s", snapshotAt(st.version))
		if err != nil || ok != st.want {
			t.Fatalf("Put version %d = %v, %v; want %v", st.version, ok, err, st.want)
		}
	}
	got, err := s.Get(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Get", got, snapshotAt(4))
	if _, err := s.Put(ctx, "", snapshotAt(1)); !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("Put with no stream: %v, want InvalidArgument", err)
	}
	noTime := events.Snapshot{Version: 5, State: json.RawMessage(`{}`)}
	if ok, err := s.Put(ctx, "s", noTime); err != nil || !ok {
		t.Fatalf("Put without LastOccurredAt = %v, %v", ok, err)
	}
	got, err = s.Get(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Get of a state without LastOccurredAt", got, noTime)
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
		return x.ID == y.ID && x.Stream == y.Stream && x.Version == y.Version && x.Type == y.Type &&
			x.SchemaVersion == y.SchemaVersion && x.OccurredAt.Equal(y.OccurredAt) &&
			x.RecordedAt.Equal(y.RecordedAt) && x.CommandID == y.CommandID &&
			x.CorrelationID == y.CorrelationID && string(x.Data) == string(y.Data) && x.StreamKey == y.StreamKey
	})
}

// TestStreamKeyNotKept appends events that name their stream member: the
// store does not keep it, so Append returns them without it, as Read and
// a duplicate do.
func TestStreamKeyNotKept(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	b := batchOf("s", 0, 2, "c")
	for i := range b.Events {
		b.Events[i].StreamKey = "account"
	}
	got, err := s.Append(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Append(ctx, b)
	if err != nil || !again.Duplicate {
		t.Fatalf("retry = %+v, %v; want a duplicate", again, err)
	}
	read, err := s.Read(ctx, "s", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, evs := range [][]events.Event{got.Events, again.Events, read} {
		for _, e := range evs {
			if e.StreamKey != "" {
				t.Fatalf("event %s came back with StreamKey %q; want none", e.ID, e.StreamKey)
			}
		}
	}
}
