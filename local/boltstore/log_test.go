package boltstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// These tests reach inside the log of a synced store: they checkpoint by
// hand, copy the files of an open store as a crash would leave them, and
// damage the segments.

// openLogged opens a synced store at path whose checkpoints run only when
// a test calls checkpoint, and closes it when t ends.
func openLogged(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Every(time.Hour))
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// appendN appends n one-event commands to stream.
func appendN(t *testing.T, s *Store, stream string, n int) {
	t.Helper()
	for range n {
		h, err := s.Load(context.Background(), stream)
		if err != nil {
			t.Fatal(err)
		}
		v := h.Snapshot.Version + int64(len(h.Events))
		cmd := fmt.Sprintf("%s-c%d", stream, v+1)
		if _, err := s.Append(context.Background(), newBatch(stream, v, 1, cmd, `{"n":5}`)); err != nil {
			t.Fatalf("append %s to %s: %v", cmd, stream, err)
		}
	}
}

// contents is everything a store says about some streams.
type contents struct {
	streams  []string
	events   map[string][]events.Event
	loads    map[string]events.History
	commands map[string]bool
}

func read(t *testing.T, s *Store, streams ...string) contents {
	t.Helper()
	ctx := context.Background()
	c := contents{events: map[string][]events.Event{}, loads: map[string]events.History{}, commands: map[string]bool{}}
	var err error
	if c.streams, err = s.Streams(ctx, "", 100); err != nil {
		t.Fatal(err)
	}
	for _, a := range streams {
		if c.events[a], err = s.Read(ctx, a, 1, 1000); err != nil {
			t.Fatal(err)
		}
		if c.loads[a], err = s.Load(ctx, a); err != nil {
			t.Fatal(err)
		}
		for _, e := range c.events[a] {
			got, err := s.Command(ctx, a, e.CommandID, "")
			if err != nil {
				t.Fatal(err)
			}
			c.commands[e.CommandID] = len(got) == 1 && got[0].ID == e.ID
		}
	}
	return c
}

func sameContents(t *testing.T, what string, got, want contents) {
	t.Helper()
	if !slices.Equal(got.streams, want.streams) {
		t.Fatalf("%s: streams %v; want %v", what, got.streams, want.streams)
	}
	for a, evs := range want.events {
		if len(got.events[a]) != len(evs) {
			t.Fatalf("%s: %d events of %s; want %d", what, len(got.events[a]), a, len(evs))
		}
		for i := range evs {
			if g, w := got.events[a][i], evs[i]; g.ID != w.ID || !g.RecordedAt.Equal(w.RecordedAt) || string(g.Data) != string(w.Data) {
				t.Fatalf("%s: event %d of %s is %+v; want %+v", what, i, a, g, w)
			}
		}
		if g, w := got.loads[a], want.loads[a]; !sameSnapshot(g.Snapshot, w.Snapshot) || len(g.Events) != len(w.Events) {
			t.Fatalf("%s: Load(%s) has snapshot %+v and %d events; want %+v and %d", what, a, g.Snapshot, len(g.Events), w.Snapshot, len(w.Events))
		}
	}
	for cmd, ok := range want.commands {
		if got.commands[cmd] != ok {
			t.Fatalf("%s: Command(%s) found %v; want %v", what, cmd, got.commands[cmd], ok)
		}
	}
}

// crashCopy copies the store's file and log directory, as a crash would
// leave them, to a new directory, and returns the copy's path.
func crashCopy(t *testing.T, s *Store) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "copy.db")
	CopyFile(t, s.path, to)
	if err := os.MkdirAll(logDir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	names, err := os.ReadDir(logDir(s.path))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		CopyFile(t, filepath.Join(logDir(s.path), n.Name()), filepath.Join(logDir(to), n.Name()))
	}
	return to
}

func checkpointNow(t *testing.T, s *Store) {
	t.Helper()
	if err := s.checkpoint(); err != nil {
		t.Fatal(err)
	}
}

// TestLogRecovery copies a store's files at points a crash can hit and
// opens the copy: it must say what the store said.
func TestLogRecovery(t *testing.T) {
	tests := []struct {
		name   string
		before func(t *testing.T, s *Store) // between the two rounds of appends
		damage func(t *testing.T, path string)
	}{
		{"only logged", nil, nil},
		{"half checkpointed", checkpointNow, nil},
		{"all checkpointed", nil, nil},
		{"torn last record", checkpointNow, tearLastSegment},
		{"in many segments", smallSegments, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
			appendN(t, s, "s-1", 14) // a snapshot at 10 in each round
			appendN(t, s, "s-2", 3)
			if tt.before != nil {
				tt.before(t, s)
			}
			appendN(t, s, "s-1", 12)
			appendN(t, s, "s-3", 2)
			if tt.name == "all checkpointed" {
				checkpointNow(t, s)
			}
			want := read(t, s, "s-1", "s-2", "s-3")
			path := crashCopy(t, s)
			if tt.damage != nil {
				tt.damage(t, path)
			}
			re := openLogged(t, path)
			sameContents(t, "after recovery", read(t, re, "s-1", "s-2", "s-3"), want)
			appendN(t, re, "s-3", 1)
			if err := re.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := listSegments(logDir(path)); len(left) != 0 {
				t.Fatalf("segments %v left after Close", left)
			}
		})
	}
}

// tearLastSegment appends half a record to the last segment, as a crash in
// the middle of a write leaves it.
func tearLastSegment(t *testing.T, path string) {
	t.Helper()
	firsts, err := listSegments(logDir(path))
	if err != nil || len(firsts) == 0 {
		t.Fatalf("segments %v, %v", firsts, err)
	}
	rec := appendRecord(nil, &entry{seq: 1 << 40, stream: "s-9", commandID: "c", first: 1, enc: [][]byte{{formatV1}}})
	f, err := os.OpenFile(segmentPath(logDir(path), firsts[len(firsts)-1]), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(rec[:len(rec)/2]); err != nil {
		t.Fatal(err)
	}
}

// smallSegments makes the log move to a new segment after every write.
func smallSegments(t *testing.T, s *Store) {
	s.log.writing.Lock()
	defer s.log.writing.Unlock()
	s.log.wal.limit = 1
}

// TestLogDamage opens copies whose log lost or garbled records that are
// not at its end: Open must refuse, rather than lose them silently.
func TestLogDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string, firsts []uint64)
		text   string
	}{
		{"garbled segment", func(t *testing.T, dir string, firsts []uint64) {
			p := segmentPath(dir, firsts[0])
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0xff
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is damaged at offset"},
		{"missing segment", func(t *testing.T, dir string, firsts []uint64) {
			if err := os.Remove(segmentPath(dir, firsts[1])); err != nil {
				t.Fatal(err)
			}
		}, "log records 2 to 2 are in no segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
			smallSegments(t, s)
			appendN(t, s, "s-1", 6)
			path := crashCopy(t, s)
			firsts, err := listSegments(logDir(path))
			if err != nil || len(firsts) < 4 {
				t.Fatalf("segments %v, %v; want several", firsts, err)
			}
			tt.damage(t, logDir(path), firsts)
			_, err = Open(path, Every(time.Hour))
			wantStoreError(t, "Open of a damaged log", err, tt.text)
		})
	}
}

// TestLogWriteFailure breaks the segment under an open store: the append
// that hits it fails, is never visible, and so does every later one; the
// appends before it survive Close and Open.
func TestLogWriteFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stepfold.db")
	s := openLogged(t, path)
	appendN(t, s, "s-1", 3)
	want := read(t, s, "s-1")
	if err := s.log.wal.f.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		_, err := s.Append(context.Background(), newBatch("s-1", 3, 1, "lost", `{"n":5}`))
		wantStoreError(t, fmt.Sprintf("append %d after the failure", i+1), err, "cannot write the event log")
		sameContents(t, "after the failure", read(t, s, "s-1"), want)
		if got, err := s.Command(context.Background(), "s-1", "lost", ""); err != nil || got != nil {
			t.Fatalf("Command(lost) = %v, %v; want nothing", got, err)
		}
	}
	wantStoreError(t, "Close after the failure", s.Close(), "")
	sameContents(t, "after Open", read(t, openLogged(t, path), "s-1"), want)
}

// TestCheckpointRemovesSegments checks that a checkpoint removes the
// segments it has written into the file, and keeps the one being written.
func TestCheckpointRemovesSegments(t *testing.T) {
	s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
	smallSegments(t, s)
	appendN(t, s, "s-1", 5)
	if n := len(s.log.wal.segments); n != 6 {
		t.Fatalf("%d segments before the checkpoint; want 6", n)
	}
	checkpointNow(t, s)
	left, err := listSegments(logDir(s.path))
	if err != nil || !slices.Equal(left, s.log.wal.segments) || len(left) != 1 {
		t.Fatalf("segments %v (%v) on disk and %v in memory after the checkpoint; want the one being written", left, err, s.log.wal.segments)
	}
	if n := s.log.tail.len(); n != 0 {
		t.Fatalf("%d entries in the tail after the checkpoint; want 0", n)
	}
}

// TestLogDirectorySynced checks that the log's directory is synced when
// an entry in it changes: when Open creates it (and its parent, which
// holds its name), when a segment is created, and when checkpoints and
// Close remove segments.
func TestLogDirectorySynced(t *testing.T) {
	var (
		mu     sync.Mutex
		synced []string
	)
	record := func(c *config) error {
		c.syncDir = func(dir string) error {
			mu.Lock()
			synced = append(synced, dir)
			mu.Unlock()
			return syncDir(dir)
		}
		return nil
	}
	want := func(what string, dirs ...string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		for _, d := range dirs {
			if !slices.Contains(synced, d) {
				t.Fatalf("%s synced %v; want %s among them", what, synced, d)
			}
		}
		synced = nil
	}
	data := t.TempDir()
	path := filepath.Join(data, "stepfold.db")
	s, err := Open(path, Every(time.Hour), record)
	if err != nil {
		t.Fatal(err)
	}
	want("Open of a new store", data, logDir(path))
	smallSegments(t, s)
	appendN(t, s, "s-1", 3)
	want("moving to a new segment", logDir(path))
	checkpointNow(t, s)
	want("a checkpoint that removes segments", logDir(path))
	appendN(t, s, "s-1", 1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want("Close", logDir(path))
}
