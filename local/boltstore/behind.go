package boltstore

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/stepfold/stepfold/events"
)

// The write-behind of a store opened WithoutSync: Put records a state in
// memory, and a flusher goroutine writes what is pending in one transaction.
const (
	// defaultFlushEvery is how long a state waits in memory, at most, after
	// the Put that found nothing pending.
	defaultFlushEvery = 10 * time.Millisecond
	// flushAt is the number of pending streams that starts a flush at once.
	flushAt = 1024
)

// heldState is a state waiting to be written: its version and its stored
// form (encodeSnapshot).
type heldState struct {
	version int64
	value   []byte
}

// behind holds the states Put on a store opened WithoutSync until the
// flusher, or Close, writes them to the file. A stream is in pending, in
// flushing, in both (pending is then newer) or in neither (the file has its
// newest state). A state leaves memory only after the transaction that
// wrote it has committed.
type behind struct {
	path string
	pace pacer

	turn sync.Mutex // held by the one flush running

	mu       sync.Mutex
	pending  map[string]heldState // put since the last flush began
	flushing map[string]heldState // being written, or kept after a failed flush
	spare    map[string]heldState // an empty map to take pending's place
	flushes  uint64               // flushes that have committed
	err      error                // the failed flush; later writes return it
	closed   bool                 // Close has begun; later calls fail
}

// fileRead is a version read from the file, with the number of flushes
// that had committed before the read began. It still holds while that
// number has not changed.
type fileRead struct {
	ok      bool
	version int64 // 0 when the file holds no state of the stream
	flushes uint64
}

func newBehind(path string, every time.Duration) *behind {
	return &behind{path: path, pace: newPacer(every), pending: map[string]heldState{}}
}

// usable returns why the store takes no more writes, if it does not.
// The caller holds w.mu.
func (w *behind) usable() error {
	switch {
	case w.closed:
		return events.Wrap(events.CodeStoreUnavailable, berrors.ErrDatabaseNotOpen, w.path+" is closed")
	case w.err != nil:
		return w.err
	}
	return nil
}

// latest returns the newest state of stream held in memory. The caller
// holds w.mu.
func (w *behind) latest(stream string) (heldState, bool) {
	if p, ok := w.pending[stream]; ok {
		return p, true
	}
	p, ok := w.flushing[stream]
	return p, ok
}

// get returns the newest state of stream held in memory, if any, or the
// error of a closed store.
func (w *behind) get(stream string) ([]byte, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, false, w.usable()
	}
	p, ok := w.latest(stream)
	return p.value, ok, nil
}

// tryPut records p as stream's pending state when it is newer than the
// newest state in memory or, when memory holds none, than file. It reports
// decided false when memory holds none and file does not hold any more.
func (w *behind) tryPut(stream string, p heldState, file fileRead) (stored, decided bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return false, true, err
	}
	prev, ok := w.latest(stream)
	if !ok {
		if !file.ok || file.flushes != w.flushes {
			return false, false, nil
		}
		prev.version = file.version
	}
	if prev.version >= p.version {
		return false, true, nil
	}
	w.add(stream, p)
	return true, true, nil
}

// add records p as stream's pending state and wakes the flusher when
// pending stops being empty or reaches flushAt. The caller holds w.mu.
func (w *behind) add(stream string, p heldState) {
	before := len(w.pending)
	w.pending[stream] = p
	switch {
	case before == 0:
		w.pace.poke(false)
	case before < flushAt && len(w.pending) >= flushAt:
		w.pace.poke(true)
	}
}

// completed returns the number of flushes that have committed.
func (w *behind) completed() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushes
}

// begin hands the pending states to a flush, or returns the error of an
// earlier flush.
func (w *behind) begin() (map[string]heldState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || len(w.pending) == 0 {
		return nil, w.err
	}
	w.flushing, w.pending, w.spare = w.pending, w.spare, nil
	if w.pending == nil {
		w.pending = make(map[string]heldState, len(w.flushing))
	}
	return w.flushing, nil
}

// end takes the result of the flush that begin started. On success the
// flushed states leave memory; on failure they stay, readable, and err is
// kept for every later write.
func (w *behind) end(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.err = events.Wrap(events.CodeStoreUnavailable, err,
			"cannot write the read model to "+w.path+"; later writes fail, and the next Open discards the file")
		return w.err
	}
	clear(w.flushing)
	w.spare, w.flushing = w.flushing, nil
	w.flushes++
	return nil
}

// shut makes later calls fail. It reports whether this call did it, so
// that only the first Close stops the flusher.
func (w *behind) shut() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	first := !w.closed
	w.closed = true
	return first
}

// flush writes the pending states in one transaction. Flushes take turns:
// begin and end assume that no other flush runs between them.
func (s *Store) flush() error {
	s.behind.turn.Lock()
	defer s.behind.turn.Unlock()
	batch, err := s.behind.begin()
	if err != nil || len(batch) == 0 {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error { return writeStates(tx.Bucket(bucketState), batch) })
	return s.behind.end(err)
}

// writeStates writes each state of batch that is newer than the one in b,
// in key order. A stored state whose version cannot be decoded is
// replaced.
func writeStates(b *bolt.Bucket, batch map[string]heldState) error {
	for _, stream := range slices.Sorted(maps.Keys(batch)) {
		p, k := batch[stream], []byte(stream)
		if old := b.Get(k); old != nil {
			if v, ok := snapshotVersion(old); ok && v >= p.version {
				continue
			}
		}
		if err := b.Put(k, p.value); err != nil {
			return err
		}
	}
	return nil
}

// putBehind records v as the pending state of stream when version is
// newer than the newest state in memory or, when memory holds none, in the
// file. A flush that commits between reading the file and deciding may
// have written a newer state, so then the file is read again.
func (s *Store) putBehind(ctx context.Context, stream string, version int64, v []byte) (bool, error) {
	var file fileRead
	for {
		stored, decided, err := s.behind.tryPut(stream, heldState{version: version, value: v}, file)
		if decided {
			return stored, err
		}
		if file, err = s.readVersion(ctx, stream); err != nil {
			return false, err
		}
	}
}

// readVersion reads the version of stream's state in the file.
func (s *Store) readVersion(ctx context.Context, stream string) (fileRead, error) {
	file := fileRead{ok: true, flushes: s.behind.completed()}
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		if v := tx.Bucket(bucketState).Get([]byte(stream)); v != nil {
			file.version, err = stateVersion(stream, v)
		}
		return err
	})
	return file, err
}

// closeBehind stops the flusher, waits for it, and writes what is still
// pending. It returns the error of a failed flush, this one or an earlier
// one.
func (s *Store) closeBehind() error {
	if s.behind == nil {
		return nil
	}
	if s.behind.shut() {
		s.behind.pace.shut()
	}
	return s.flush()
}
