package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// odd is a state whose bytes a JSON round trip would change: the store
// must keep them as they are.
const odd = `{ "count" : 10,  "note": "\u00e9" }`

// oddSnapshot is a snapshot at version v holding odd.
func oddSnapshot(v int64) events.Snapshot {
	return events.Snapshot{Version: v, State: json.RawMessage(odd), LastOccurredAt: occurredAt(v).In(time.FixedZone("CET", 3600))}
}

// wantSnapshot fails the test unless got is want, byte for byte.
func wantSnapshot(t *testing.T, what string, got events.Snapshot, err error, want events.Snapshot) {
	t.Helper()
	if err != nil || !sameSnapshot(got, want) {
		t.Fatalf("%s: version %d at %v, state %s, %v; want version %d at %v, state %s",
			what, got.Version, got.LastOccurredAt, got.State, err, want.Version, want.LastOccurredAt, want.State)
	}
}

// TestSnapshotsAsGiven appends a batch whose snapshot state is odd, and
// Puts one, and reads them back from the log's tail, from the file after
// a checkpoint, and after a reopen: the bytes, the version and the
// business time are the caller's.
func TestSnapshotsAsGiven(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stepfold.db")
	s := openLogged(t, path)
	b := newBatch("s-1", 0, 12, "c-1", `{"n":1}`)
	b.Snapshots[0] = oddSnapshot(10)
	if _, err := s.Append(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "s-1", oddSnapshot(12)); err != nil {
		t.Fatal(err)
	}
	check := func(where string, s *Store) {
		h, err := s.Load(ctx, "s-1")
		wantSnapshot(t, where+": Load", h.Snapshot, err, oddSnapshot(10))
		snap, err := s.Snapshot(ctx, "s-1", 11)
		wantSnapshot(t, where+": Snapshot(11)", snap, err, oddSnapshot(10))
		st, err := s.Get(ctx, "s-1")
		wantSnapshot(t, where+": Get", st, err, oddSnapshot(12))
	}
	check("in the log", s)
	checkpointNow(t, s)
	check("in the file", s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check("reopened", openLogged(t, path))
}

// TestLegacySnapshots writes snapshots and a read-model state as stores
// wrote them before they knew no domain, the JSON of the state, into the
// file and into a log record: they read as snapshots holding that JSON.
func TestLegacySnapshots(t *testing.T) {
	ctx := context.Background()
	legacy := func(v int64) events.Snapshot {
		state := fmt.Sprintf(`{"account":"s-1","version":%d,"status":"open","balance":5,"lastOccurredAt":%q}`, v, occurredAt(v).Format(time.RFC3339Nano))
		return events.Snapshot{Version: v, State: json.RawMessage(state), LastOccurredAt: occurredAt(v)}
	}
	path := filepath.Join(t.TempDir(), "stepfold.db")
	s := openLogged(t, path)
	if _, err := s.Append(ctx, newBatch("s-1", 0, 12, "c-1", `{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	checkpointNow(t, s)
	err := s.db.Update(func(tx *bolt.Tx) error {
		return errors.Join(tx.Bucket(bucketSnapshots).Put(versionKey("s-1", 10), legacy(10).State),
			tx.Bucket(bucketState).Put([]byte("s-1"), legacy(7).State))
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Get(ctx, "s-1")
	wantSnapshot(t, "Get of a legacy state", st, err, legacy(7))
	h, err := s.Load(ctx, "s-1")
	wantSnapshot(t, "Load of a legacy snapshot", h.Snapshot, err, legacy(10))
	if stored, err := s.Put(ctx, "s-1", tallyAt(7)); err != nil || stored {
		t.Fatalf("Put at the legacy state's version: %v, %v; want not stored", stored, err)
	}
	// A record logged by an older store: its snapshot is the JSON.
	e := &entry{seq: 2, stream: "s-1", commandID: "c-2", first: 13, snaps: []storedSnapshot{{20, legacy(20).State}}}
	if e.enc, err = encodeAll(testEvents("s-1", 12, 8, "c-2", `{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	logged, _, ok := readRecord(appendRecord(nil, e))
	if !ok {
		t.Fatal("a record with a legacy snapshot does not read back")
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return writeEntries(tx, []*entry{logged}) }); err != nil {
		t.Fatal(err)
	}
	h, err = s.Load(ctx, "s-1")
	wantSnapshot(t, "Load of a legacy snapshot from the log", h.Snapshot, err, legacy(20))
}

// TestDamagedSnapshots stores values that decode as no snapshot, or as
// one of another version than its key's: reads fail with Internal, naming
// the stream, rather than return a wrong state. Put reads only the stored
// version: when even that does not decode, it fails too.
func TestDamagedSnapshots(t *testing.T) {
	ctx := context.Background()
	wrong, err := encodeSnapshot(tallyAt(20))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		value          []byte
		state, version bool // the value is a whole state; its version reads
	}{
		{wrong, true, true}, {[]byte{snapshotV1, 10}, false, true},
		{[]byte{snapshotV1}, false, false}, {[]byte(`{"version":0}`), false, false}, {[]byte("x"), false, false},
	}
	for _, c := range cases {
		s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
		if _, err := s.Append(ctx, newBatch("s-1", 0, 10, "c-1", `{"n":1}`)); err != nil {
			t.Fatal(err)
		}
		checkpointNow(t, s)
		err := s.db.Update(func(tx *bolt.Tx) error {
			return errors.Join(tx.Bucket(bucketSnapshots).Put(versionKey("s-1", 10), c.value), tx.Bucket(bucketState).Put([]byte("s-1"), c.value))
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Load(ctx, "s-1")
		wantErrorCode(t, fmt.Sprintf("Load with snapshot %q", c.value), err, events.CodeInternal, "snapshot of s-1 at version 10")
		if !c.state {
			_, err = s.Get(ctx, "s-1")
			wantErrorCode(t, fmt.Sprintf("Get of state %q", c.value), err, events.CodeInternal, "state of s-1")
		}
		if !c.version {
			_, err = s.Put(ctx, "s-1", tallyAt(11))
			wantErrorCode(t, fmt.Sprintf("Put over state %q", c.value), err, events.CodeInternal, "state of s-1")
		}
	}
}

// TestUnstorableTime hands the store a LastOccurredAt that time.Time's
// binary form cannot hold (a zone offset of -1 minute): Put and a new
// Append fail with InvalidArgument and write nothing, and an applied
// command sent again with it is still a duplicate.
func TestUnstorableTime(t *testing.T) {
	ctx := context.Background()
	for _, m := range []struct {
		name string
		opts []Option
	}{{"synced", []Option{Every(time.Hour)}}, {"without-sync", []Option{WithoutSync()}}} {
		t.Run(m.name, func(t *testing.T) {
			s, err := Open(filepath.Join(t.TempDir(), "stepfold.db"), m.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			unstorable := tallyAt(10)
			unstorable.LastOccurredAt = unstorable.LastOccurredAt.In(time.FixedZone("odd", -60))
			stored, err := s.Put(ctx, "s-1", unstorable)
			if !errors.Is(err, events.ErrInvalidArgument) || stored {
				t.Fatalf("Put: %v, %v; want InvalidArgument", stored, err)
			}
			if _, err := s.Get(ctx, "s-1"); !errors.Is(err, events.ErrNotFound) {
				t.Fatalf("Get after the refused Put: %v; want NotFound", err)
			}
			b := newBatch("s-1", 0, 10, "c-1", `{"n":1}`)
			b.Snapshots[0] = unstorable
			if _, err := s.Append(ctx, b); !errors.Is(err, events.ErrInvalidArgument) {
				t.Fatalf("Append: %v; want InvalidArgument", err)
			}
			if evs, err := s.Read(ctx, "s-1", 1, 100); err != nil || len(evs) != 0 {
				t.Fatalf("the refused Append wrote %d events, %v", len(evs), err)
			}
			if _, err := s.Append(ctx, newBatch("s-1", 0, 10, "c-1", `{"n":1}`)); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Append(ctx, b); err != nil || !got.Duplicate {
				t.Fatalf("the applied command again, with the unstorable snapshot: %+v, %v; want a duplicate", got, err)
			}
		})
	}
}

// TestManyEventTypes reads back a stream whose events have more types
// than one read interns: each comes back with its own.
func TestManyEventTypes(t *testing.T) {
	s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
	b := newBatch("s-1", 0, 3*maxNames, "c-1", `{"n":1}`)
	for i := range b.Events {
		b.Events[i].Type = fmt.Sprintf("Type%d", (i*7)%(2*maxNames))
	}
	if _, err := s.Append(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	for _, checkpoint := range []bool{false, true} {
		if checkpoint {
			checkpointNow(t, s)
		}
		got, err := s.Read(context.Background(), "s-1", 1, 100)
		if err != nil || len(got) != len(b.Events) {
			t.Fatalf("Read: %d events, %v", len(got), err)
		}
		for i, e := range got {
			if e.Type != b.Events[i].Type {
				t.Fatalf("checkpointed %v: event %s has type %q; want %q", checkpoint, e.ID, e.Type, b.Events[i].Type)
			}
		}
	}
}
