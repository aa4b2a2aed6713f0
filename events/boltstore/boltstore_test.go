package boltstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
	"github.com/stepfold/stepfold/events/storetest"
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

// deposits returns n valid events of account after version expected.
func deposits(account string, expected int64, n int, cmd string) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		v := expected + int64(i) + 1
		typ, data := events.FundsDeposited, json.RawMessage(`{"amount":10}`)
		if v == 1 {
			typ, data = events.AccountOpened, json.RawMessage(`{"currency":"EUR"}`)
		}
		out[i] = events.Event{
			ID: events.EventID(account, v), Account: account, Version: v, Type: typ,
			SchemaVersion: events.SchemaVersion, OccurredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			CommandID: cmd, Data: data,
		}
	}
	return out
}

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
			if _, err := s.Put(ctx, events.State{Account: "acc-1", Version: 1}); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			_, err = s.Append(ctx, "acc-1", 0, deposits("acc-1", 0, 1, "c-1"), "c-1", "")
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
			_, err = s.Load(ctx, "acc-1")
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
			_, err = s.Put(ctx, events.State{Account: "acc-1", Version: 2})
			wantCode(t, err, events.CodeStoreUnavailable, "closed")
			_, err = s.Get(ctx, "acc-1")
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
	if _, err := s.Append(ctx, "acc-1", 0, deposits("acc-1", 0, 23, "c-1"), "c-1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, events.State{Account: "acc-1", Version: 23}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	h, err := s.Load(ctx, "acc-1")
	if err != nil || h.Snapshot.Version != 20 || len(h.Events) != 3 {
		t.Fatalf("Load after reopen: snapshot %d, %d events, %v; want 20, 3", h.Snapshot.Version, len(h.Events), err)
	}
	if got, err := s.Append(ctx, "acc-1", 0, deposits("acc-1", 0, 23, "c-1"), "c-1", ""); err != nil || !got.Duplicate {
		t.Fatalf("retry after reopen: duplicate=%v, %v", got.Duplicate, err)
	}
	if st, err := s.Get(ctx, "acc-1"); err != nil || st.Version != 23 {
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
	first, err := s.Append(ctx, "acc-1", 0, deposits("acc-1", 0, 1, "c-1"), "c-1", "")
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(-time.Hour)
	mu.Unlock()
	second, err := s.Append(ctx, "acc-1", 1, deposits("acc-1", 1, 1, "c-2"), "c-2", "")
	if err != nil {
		t.Fatal(err)
	}
	if a, b := first.Events[0].RecordedAt, second.Events[0].RecordedAt; !b.Equal(a) {
		t.Fatalf("after the clock went back an hour, recordedAt went from %v to %v; want it kept", a, b)
	}
}

// TestGroupCommitSameAccount runs many writers that each retry on conflict
// until their command is in, all on one account: the group commit must apply
// them in order within shared transactions, with no gaps and no losses.
func TestGroupCommitSameAccount(t *testing.T) {
	s := open(t)
	const writers, each = 16, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := appendWithRetry(s, "acc-1", fmt.Sprintf("w%d-%d", w, i)); err != nil {
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
	h, err := s.Load(context.Background(), "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := h.State(); err != nil || st.Version != writers*each || st.Balance != 10*(writers*each-1) {
		t.Fatalf("final state %+v, %v; want version %d", st, err, writers*each)
	}
}

// appendWithRetry appends one event as cmd, reloading on VersionConflict.
func appendWithRetry(s *boltstore.Store, account, cmd string) error {
	ctx := context.Background()
	for {
		h, err := s.Load(ctx, account)
		if err != nil {
			return err
		}
		v := h.Snapshot.Version + int64(len(h.Events))
		_, err = s.Append(ctx, account, v, deposits(account, v, 1, cmd), cmd, "")
		if !errors.Is(err, events.ErrVersionConflict) {
			return err
		}
	}
}

// TestGroupCommitMixed sends, at once, good appends to many accounts and bad
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
			acc, expected := fmt.Sprintf("acc-%02d", i/2), int64(0)
			if i%2 == 1 {
				expected = 5 // a conflict: the account is at 0 or 1
			}
			_, results[i] = s.Append(ctx, acc, expected, deposits(acc, expected, 1, fmt.Sprintf("c-%d", i)), fmt.Sprintf("c-%d", i), "")
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
	accs, err := s.Accounts(ctx, "", events.MaxReadLimit)
	if err != nil || len(accs) != n/2 {
		t.Fatalf("Accounts: %d, %v; want %d", len(accs), err, n/2)
	}
}
