package boltstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/storetest"
	"github.com/stepfold/stepfold/local/boltstore"
)

// open opens a fresh store under t.TempDir and closes it when t ends.
func open(t *testing.T, opts ...boltstore.Option) *boltstore.Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "stepfold.db"), opts...)
}

func openAt(t *testing.T, path string, opts ...boltstore.Option) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// mode is a way to open a store: the conformance suites run in each.
type mode struct {
	name string
	opts []boltstore.Option
}

// modes are the synced store with its log's checkpoints at their default
// pace, never before Close (reads merge the log's tail) and as often as
// possible (racing the appends), and the store WithoutSync.
func modes() []mode {
	return []mode{
		{"synced", nil},
		{"synced-log-only", []boltstore.Option{boltstore.Every(time.Hour)}},
		{"synced-checkpoint-constantly", []boltstore.Option{boltstore.Every(time.Nanosecond)}},
		{"without-sync", []boltstore.Option{boltstore.WithoutSync()}},
	}
}

func TestEventStore(t *testing.T) {
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			// Appends of 5000 events build the 100,000-event history in 20 commits.
			storetest.Run(t, func(t *testing.T) events.EventStore { return open(t, m.opts...) }, storetest.MaxEvents(5000))
		})
	}
}

func TestStateStore(t *testing.T) {
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			storetest.RunStateStore(t, func(t *testing.T) events.StateStore { return open(t, m.opts...) })
		})
	}
}

func TestDeadLetters(t *testing.T) {
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			storetest.RunDeadLetters(t, func(t *testing.T) events.DeadLetters { return open(t, m.opts...).DeadLetters() })
		})
	}
}

// data is what the events of these tests carry: the store does not read it.
const data = `{"n":10}`

func wantCode(t *testing.T, err error, code events.Code, text string) {
	t.Helper()
	var e *events.Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Error(), text) {
		t.Fatalf("got %v; want an *events.Error %s mentioning %q", err, code, text)
	}
}

func TestOpenFailures(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a bbolt file ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	tiny := filepath.Join(dir, "tiny.db")
	if err := os.WriteFile(tiny, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		opts []boltstore.Option
		code events.Code
		text string
	}{
		{"garbage file", garbage, nil, events.CodeStoreUnavailable, "corrupt"},
		{"file shorter than a page", tiny, nil, events.CodeStoreUnavailable, "corrupt"},
		{"missing directory", filepath.Join(dir, "no", "such", "dir.db"), nil, events.CodeStoreUnavailable, "cannot open"},
		{"zero lock timeout", filepath.Join(dir, "a.db"), []boltstore.Option{boltstore.WithLockTimeout(0)}, events.CodeInvalidArgument, "lock timeout"},
		{"nil clock", filepath.Join(dir, "b.db"), []boltstore.Option{boltstore.WithClock(nil)}, events.CodeInvalidArgument, "clock"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := boltstore.Open(c.path, c.opts...)
			if err == nil {
				_ = s.Close()
			}
			wantCode(t, err, c.code, c.text)
		})
	}
}

// TestOpenLocked opens the same file twice. bbolt's flock belongs to the
// open file description, so the second Open blocks as another process would.
func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	openAt(t, path)
	s, err := boltstore.Open(path, boltstore.WithLockTimeout(100*time.Millisecond))
	if err == nil {
		_ = s.Close()
	}
	wantCode(t, err, events.CodeStoreUnavailable, "locked by another process")
}

func TestClosedStore(t *testing.T) {
	for _, m := range modes() {
		t.Run(m.name, func(t *testing.T) {
			s, err := boltstore.Open(filepath.Join(t.TempDir(), "closed.db"), m.opts...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := s.Put(ctx, "s-1", boltstore.TallyAt(1)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			_, err = s.Append(ctx, boltstore.NewBatch("s-1", 0, 1, "c-1", data))
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
			_, err = s.Load(ctx, "s-1")
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
			_, err = s.Put(ctx, "s-1", boltstore.TallyAt(2))
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
			_, err = s.Get(ctx, "s-1")
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
		})
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reopen.db")
	s, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Append(ctx, boltstore.NewBatch("s-1", 0, 23, "c-1", data)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "s-1", boltstore.TallyAt(23)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	h, err := s.Load(ctx, "s-1")
	if err != nil || !boltstore.SameSnapshot(h.Snapshot, boltstore.TallyAt(20)) || len(h.Events) != 3 {
		t.Fatalf("Load after reopen: snapshot %+v, %d events, %v; want the one at 20, and 3", h.Snapshot, len(h.Events), err)
	}
	if got, err := s.Append(ctx, boltstore.NewBatch("s-1", 0, 23, "c-1", data)); err != nil || !got.Duplicate {
		t.Fatalf("retry after reopen: duplicate=%v, %v", got.Duplicate, err)
	}
	if st, err := s.Get(ctx, "s-1"); err != nil || !boltstore.SameSnapshot(st, boltstore.TallyAt(23)) {
		t.Fatalf("Get after reopen: %+v, %v", st, err)
	}
}

// TestRecordedAtNeverGoesBack sets the clock back between appends.
func TestRecordedAtNeverGoesBack(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := open(t, boltstore.WithClock(clock))
	ctx := context.Background()
	first, err := s.Append(ctx, boltstore.NewBatch("s-1", 0, 1, "c-1", data))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(-time.Hour)
	mu.Unlock()
	second, err := s.Append(ctx, boltstore.NewBatch("s-1", 1, 1, "c-2", data))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := first.Events[0].RecordedAt, second.Events[0].RecordedAt; !b.Equal(a) {
		t.Fatalf("after the clock went back an hour, recordedAt went from %v to %v; want it kept", a, b)
	}
}

// TestGroupCommitSameStream runs many writers that each retry on conflict
// until their command is in, all on one stream: the group commit must apply
// them in order within shared transactions, with no gaps and no losses.
func TestGroupCommitSameStream(t *testing.T) {
	s := open(t)
	const writers, each = 16, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := appendWithRetry(s, "s-1", fmt.Sprintf("w%d-%d", w, i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ctx := context.Background()
	all, err := s.Read(ctx, "s-1", 1, events.MaxReadLimit)
	if err != nil || len(all) != writers*each {
		t.Fatalf("Read: %d events, %v; want %d", len(all), err, writers*each)
	}
	cmds := map[string]bool{}
	for i, e := range all {
		if e.Version != int64(i)+1 || cmds[e.CommandID] {
			t.Fatalf("event %d is %s of %s; want version %d, one event per command", i, e.ID, e.CommandID, i+1)
		}
		cmds[e.CommandID] = true
	}
	if h, err := s.Load(ctx, "s-1"); err != nil || !boltstore.SameSnapshot(h.Snapshot, boltstore.TallyAt(writers*each)) || len(h.Events) != 0 {
		t.Fatalf("Load: %+v, %v; want the snapshot at %d and no events", h, err, writers*each)
	}
}

// appendWithRetry appends one event as cmd, reloading on VersionConflict.
func appendWithRetry(s *boltstore.Store, stream, cmd string) error {
	ctx := context.Background()
	for {
		h, err := s.Load(ctx, stream)
		if err != nil {
			return err
		}
		v := h.Snapshot.Version + int64(len(h.Events))
		_, err = s.Append(ctx, boltstore.NewBatch(stream, v, 1, cmd, data))
		if !errors.Is(err, events.ErrVersionConflict) {
			return err
		}
	}
}

// TestGroupCommitMixed sends, at once, good appends to many streams and bad
// ones (conflicts) interleaved: every good one must land and every bad one
// must fail alone.
func TestGroupCommitMixed(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	const n = 64
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Go(func() {
			stream, expected := fmt.Sprintf("s-%02d", i/2), int64(0)
			if i%2 == 1 {
				expected = 5 // a conflict: the stream is at 0 or 1
			}
			_, results[i] = s.Append(ctx, boltstore.NewBatch(stream, expected, 1, fmt.Sprintf("c-%d", i), data))
		})
	}
	wg.Wait()
	for i, err := range results {
		if i%2 == 0 && err != nil {
			t.Errorf("good append %d failed: %v", i, err)
		}
		if i%2 == 1 && !errors.Is(err, events.ErrVersionConflict) {
			t.Errorf("conflicting append %d: %v, want VersionConflict", i, err)
		}
	}
	ids, err := s.Streams(ctx, "", events.MaxReadLimit)
	if err != nil || len(ids) != n/2 {
		t.Fatalf("Streams: %d, %v; want %d", len(ids), err, n/2)
	}
}
