package boltstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/storetest"
)

// These tests reach inside the write-behind: they set the flush interval,
// flush by hand, read the file under the store, and close it underneath.

// openBehind opens a store WithoutSync at path with the given flush
// interval, and closes it when t ends.
func openBehind(t *testing.T, path string, every time.Duration) *Store {
	t.Helper()
	s, err := Open(path, WithoutSync(), Every(every))
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func putWant(t *testing.T, s *Store, stream string, version int64, want bool) {
	t.Helper()
	got, err := s.Put(context.Background(), stream, tallyAt(version))
	if err != nil || got != want {
		t.Fatalf("Put(%s v%d) = %v, %v; want %v, nil", stream, version, got, err, want)
	}
}

func getWant(t *testing.T, s *Store, stream string, version int64) {
	t.Helper()
	st, err := s.Get(context.Background(), stream)
	if err != nil || !sameSnapshot(st, tallyAt(version)) {
		t.Fatalf("Get(%s) = %+v, %v; want %+v", stream, st, err, tallyAt(version))
	}
}

// fileWant checks the version of stream's state in the file itself, 0 for
// none.
func fileWant(t *testing.T, s *Store, stream string, version int64) {
	t.Helper()
	var got int64
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		if v := tx.Bucket(bucketState).Get([]byte(stream)); v != nil {
			got, err = stateVersion(stream, v)
		}
		return err
	})
	if err != nil || got != version {
		t.Fatalf("the file holds %s at v%d (%v); want v%d", stream, got, err, version)
	}
}

func flushNow(t *testing.T, s *Store) {
	t.Helper()
	if err := s.flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

// TestStateStoreFlushingConstantly runs the conformance suite with a flush
// after every Put or so, so that Puts race with flushes and compare with
// the file as often as with memory.
func TestStateStoreFlushingConstantly(t *testing.T) {
	storetest.RunStateStore(t, func(t *testing.T) events.StateStore {
		return openBehind(t, filepath.Join(t.TempDir(), "readmodel.db"), time.Microsecond)
	})
}

// TestWriteBehind drives the write-behind by hand: the flusher's interval
// is an hour, so only flushNow and Close write to the file.
func TestWriteBehind(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *Store, path string)
	}{
		{"get sees a put before any flush", func(t *testing.T, s *Store, _ string) {
			putWant(t, s, "s-1", 3, true)
			getWant(t, s, "s-1", 3)
			fileWant(t, s, "s-1", 0)
			flushNow(t, s)
			fileWant(t, s, "s-1", 3)
			getWant(t, s, "s-1", 3)
		}},
		{"newer wins across pending and flushed", func(t *testing.T, s *Store, _ string) {
			putWant(t, s, "s-1", 5, true)
			flushNow(t, s)
			putWant(t, s, "s-1", 3, false) // against the file
			putWant(t, s, "s-1", 5, false)
			putWant(t, s, "s-1", 7, true)
			putWant(t, s, "s-1", 6, false) // against memory
			putWant(t, s, "s-1", 7, false)
			getWant(t, s, "s-1", 7)
			fileWant(t, s, "s-1", 5)
			flushNow(t, s)
			fileWant(t, s, "s-1", 7)
			putWant(t, s, "s-1", 6, false)
			getWant(t, s, "s-1", 7)
		}},
		{"a flush keeps a newer state in the file", func(t *testing.T, s *Store, _ string) {
			putWant(t, s, "s-1", 7, true)
			v, err := encodeSnapshot(tallyAt(9))
			if err != nil {
				t.Fatal(err)
			}
			err = s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketState).Put([]byte("s-1"), v) })
			if err != nil {
				t.Fatal(err)
			}
			flushNow(t, s)
			fileWant(t, s, "s-1", 9)
			getWant(t, s, "s-1", 9)
		}},
		{"a file read that a flush overtook is not used", func(t *testing.T, s *Store, _ string) {
			// What a Put does when a flush commits between its file read
			// and its decision, step by step.
			stale, err := s.readVersion(context.Background(), "s-1")
			if err != nil || stale.version != 0 {
				t.Fatalf("readVersion = %+v, %v; want version 0", stale, err)
			}
			putWant(t, s, "s-1", 5, true)
			flushNow(t, s)
			if stored, decided, err := s.behind.tryPut("s-1", heldState{version: 3, value: []byte(`{}`)}, stale); decided {
				t.Fatalf("tryPut with a file read from before a flush decided: stored %v, %v", stored, err)
			}
			putWant(t, s, "s-1", 3, false)
			getWant(t, s, "s-1", 5)
		}},
		{"reopen after Close sees everything", func(t *testing.T, s *Store, path string) {
			const n = 3 * flushAt // the last third stays pending
			for i := range n {
				putWant(t, s, fmt.Sprintf("s-%d", i), int64(i)+1, true)
				if i == 2*flushAt {
					flushNow(t, s)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			re := openBehind(t, path, time.Hour)
			if re.Discarded() {
				t.Fatal("a cleanly closed file was discarded")
			}
			for i := range n {
				getWant(t, re, fmt.Sprintf("s-%d", i), int64(i)+1)
			}
		}},
		{"a copy taken while open is discarded", func(t *testing.T, s *Store, path string) {
			putWant(t, s, "s-1", 3, true)
			flushNow(t, s)
			putWant(t, s, "s-2", 4, true)
			crashed := path + ".crashed"
			CopyFile(t, path, crashed)
			re := openBehind(t, crashed, time.Hour)
			if !re.Discarded() {
				t.Fatal("a file that was never closed was kept")
			}
			for _, stream := range []string{"s-1", "s-2"} {
				if _, err := re.Get(context.Background(), stream); !errors.Is(err, events.ErrNotFound) {
					t.Fatalf("Get(%s) after a discard: %v; want NotFound", stream, err)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "readmodel.db")
			tt.run(t, openBehind(t, path, time.Hour), path)
		})
	}
}

// TestConcurrentPutsKeepTheHighest has writers put every version of one
// stream in random order, while the flusher runs at different paces.
func TestConcurrentPutsKeepTheHighest(t *testing.T) {
	const writers, versions = 8, 2000
	for _, every := range []time.Duration{time.Microsecond, time.Millisecond, defaultFlushEvery} {
		t.Run(every.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "readmodel.db")
			s := openBehind(t, path, every)
			order := rand.Perm(versions)
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for w := range writers {
				wg.Go(func() { errs <- putEach(s, order[w*versions/writers:(w+1)*versions/writers]) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			getWant(t, s, "s-1", versions)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			getWant(t, openBehind(t, path, every), "s-1", versions)
		})
	}
}

// putEach puts s-1 at each version in vs (plus one), and checks that the
// highest version is reported as stored.
func putEach(s *Store, vs []int) error {
	for _, v := range vs {
		stored, err := s.Put(context.Background(), "s-1", tallyAt(int64(v)+1))
		if err != nil {
			return err
		}
		if v+1 == 2000 && !stored {
			return errors.New("the highest version was not stored")
		}
	}
	return nil
}

// TestFailedFlush closes the file under the store, so that a flush fails,
// either in the flusher or in Close: every later write and Close must say
// so, reads keep working from memory, and the next Open discards the file.
func TestFailedFlush(t *testing.T) {
	tests := []struct {
		name  string
		fail  func(t *testing.T, s *Store) int64 // returns the version of s-1 in memory
		after func(t *testing.T, s *Store, held int64)
	}{
		{"in the flusher", failInFlusher, func(t *testing.T, s *Store, held int64) {
			for _, stream := range []string{"s-1", "s-2"} {
				_, err := s.Put(context.Background(), stream, tallyAt(9))
				wantStoreError(t, "Put after the failed flush", err, "cannot write the read model")
			}
			getWant(t, s, "s-1", held)
			wantStoreError(t, "Close", s.Close(), "cannot write the read model")
		}},
		{"in Close", func(t *testing.T, s *Store) int64 { return 2 }, func(t *testing.T, s *Store, _ int64) {
			wantStoreError(t, "Close", s.Close(), "cannot write the read model")
			_, err := s.Put(context.Background(), "s-1", tallyAt(9))
			wantStoreError(t, "Put after Close", err, "closed")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "readmodel.db")
			s := openBehind(t, path, time.Hour)
			putWant(t, s, "s-1", 1, true)
			flushNow(t, s)
			putWant(t, s, "s-1", 2, true)
			if err := s.db.Close(); err != nil {
				t.Fatal(err)
			}
			tt.after(t, s, tt.fail(t, s))
			wantStoreError(t, "a second Close", s.Close(), "")
			if re := openBehind(t, path, time.Hour); !re.Discarded() {
				t.Fatal("the file of a failed flush was kept")
			}
		})
	}
}

// failInFlusher wakes the flusher at once and waits for the failure to
// show in a Put of a stream held in memory. It returns the last
// version of s-1 stored.
func failInFlusher(t *testing.T, s *Store) int64 {
	t.Helper()
	s.behind.pace.poke(true)
	deadline := time.Now().Add(10 * time.Second)
	for v := int64(3); ; v++ {
		if _, err := s.Put(context.Background(), "s-1", tallyAt(v)); err != nil {
			wantStoreError(t, "Put once the flush failed", err, "cannot write the read model")
			return v - 1
		}
		if time.Now().After(deadline) {
			t.Fatal("the flusher did not fail")
		}
		time.Sleep(time.Millisecond)
	}
}

func wantStoreError(t *testing.T, what string, err error, text string) {
	t.Helper()
	wantErrorCode(t, what, err, events.CodeStoreUnavailable, text)
}

// wantErrorCode fails the test unless err is an *events.Error with code
// whose text holds text.
func wantErrorCode(t *testing.T, what string, err error, code events.Code, text string) {
	t.Helper()
	var e *events.Error
	if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Error(), text) {
		t.Fatalf("%s: %v; want a %s *events.Error mentioning %q", what, err, code, text)
	}
}

// TestCloseStopsTheFlusher closes stores in the states the flusher can be
// in and checks, in the stacks of all goroutines, that its goroutine has
// returned.
func TestCloseStopsTheFlusher(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration
		puts  int
	}{
		{"idle", time.Microsecond, 0},
		{"waiting to flush", time.Hour, 1},
		{"flushing", time.Microsecond, 5 * flushAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := pacers()
			path := filepath.Join(t.TempDir(), "readmodel.db")
			s := openBehind(t, path, tt.every)
			if got := pacers(); got != before+1 {
				t.Fatalf("%d flushers running after Open; want %d", got, before+1)
			}
			for i := range tt.puts {
				putWant(t, s, fmt.Sprintf("s-%d", i), 1, true)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if got := pacers(); got != before {
				t.Fatalf("%d flushers running after Close; want %d", got, before)
			}
			wantStoreError(t, "a second Close", s.Close(), "")
			re := openBehind(t, path, time.Hour)
			for i := range tt.puts {
				getWant(t, re, fmt.Sprintf("s-%d", i), 1)
			}
		})
	}
}

// pacers counts the goroutines running a pacer: the flusher of a store
// opened WithoutSync, the checkpoints of a synced one. One that is starting
// may not be running yet, so it waits a little for the count to settle.
func pacers() int {
	n := -1
	for range 100 {
		buf := make([]byte, 1<<20)
		m := strings.Count(string(buf[:runtime.Stack(buf, true)]), "(*pacer).run(")
		if m == n {
			return n
		}
		n = m
		time.Sleep(time.Millisecond)
	}
	return n
}
