package eventbus

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/stepfold/stepfold/events"
)

// The queue is one append-only log in a directory, shared by every target:
// segment files named by a counter in 16 hex digits with the suffix
// segmentSuffix, each a sequence of records (see record.go). Only the group
// commit writes, to the last segment; each target's worker reads the log
// from the first segment on, up to what has been committed. A segment is
// removed once every target is done with the records in it.

const (
	segmentSuffix = ".queue"
	// defaultSegmentSize is the size past which the log moves on to a new
	// segment.
	defaultSegmentSize = 16 << 20
	// readChunk is how much a worker reads from the log at once.
	readChunk = 256 << 10
)

// queue is the durable queue's files.
type queue struct {
	dir   string
	limit int64

	mu   sync.Mutex // guards segs
	segs []*segment // ascending; the last is being written

	wmu     sync.Mutex // serializes the writes, and guards what follows
	f       *os.File   // the last segment
	buf     []byte
	nextSeq uint64
	written uint64 // writes so far
	synced  uint64 // writes known to be synced
	broken  error  // once a write or sync fails, every later one fails
}

// segment is one file of the log.
type segment struct {
	index  uint64
	size   int64  // bytes committed: workers read up to here
	maxSeq uint64 // the highest seq queued in it, 0 for none
}

func (q *queue) path(index uint64) string {
	return filepath.Join(q.dir, fmt.Sprintf("%016x%s", index, segmentSuffix))
}

func queueError(err error, what string) error {
	return events.Wrap(events.CodeStoreUnavailable, err, "localbus: "+what)
}

// segmentIndexes returns the indexes of the segments in dir, ascending.
func segmentIndexes(dir string) ([]uint64, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, queueError(err, "reading the queue directory")
	}
	var out []uint64
	for _, de := range des {
		name, ok := strings.CutSuffix(de.Name(), segmentSuffix)
		if !ok {
			continue
		}
		i, err := strconv.ParseUint(name, 16, 64)
		if err != nil || len(name) != 16 {
			return nil, events.Errorf(events.CodeStoreUnavailable, "localbus: %s in the queue directory %s is not a segment name", de.Name(), dir)
		}
		out = append(out, i)
	}
	slices.Sort(out)
	return out, nil
}

// ensureDir creates dir if it is missing, and syncs its parent so that the
// new directory survives a machine crash.
func ensureDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return queueError(err, "creating the queue directory")
	}
	return syncDir(filepath.Dir(dir))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return queueError(err, "opening directory "+dir)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return queueError(err, "syncing directory "+dir)
	}
	return nil
}

// startSegment creates the segment after the last one and makes it the one
// being written.
func (q *queue) startSegment() error {
	index := uint64(1)
	if n := len(q.segs); n > 0 {
		index = q.segs[n-1].index + 1
	}
	f, err := os.OpenFile(q.path(index), os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return queueError(err, "creating a queue segment")
	}
	if err := syncDir(q.dir); err != nil {
		f.Close()
		return err
	}
	q.mu.Lock()
	q.segs = append(q.segs, &segment{index: index})
	q.mu.Unlock()
	q.f = f
	return nil
}

// write appends the records in b to the last segment and commits them:
// workers can then read them, and they survive the process, but not yet a
// machine crash (see sync). maxSeq is the highest seq b queues, 0 for none.
// The caller holds wmu.
func (q *queue) write(b []byte, maxSeq uint64) error {
	if q.broken != nil {
		return q.broken
	}
	if _, err := q.f.Write(b); err != nil {
		q.broken = queueError(err, "writing the queue")
		return q.broken
	}
	q.written++
	q.mu.Lock()
	seg := q.segs[len(q.segs)-1]
	seg.size += int64(len(b))
	seg.maxSeq = max(seg.maxSeq, maxSeq)
	full := seg.size >= q.limit
	q.mu.Unlock()
	if full {
		return q.rotate()
	}
	return nil
}

// rotate syncs and closes the last segment and starts the next. The caller
// holds wmu.
func (q *queue) rotate() error {
	if err := q.f.Sync(); err != nil {
		q.broken = queueError(err, "syncing the queue")
		return q.broken
	}
	q.synced = q.written
	if err := q.f.Close(); err != nil {
		q.broken = queueError(err, "closing a queue segment")
		return q.broken
	}
	if err := q.startSegment(); err != nil {
		q.broken = err
		return err
	}
	return nil
}

// sync flushes what was written so far to the disk, without holding up
// the writes meanwhile.
func (q *queue) sync() error {
	for {
		q.wmu.Lock()
		f, upTo, synced, broken := q.f, q.written, q.synced, q.broken
		q.wmu.Unlock()
		if broken != nil || upTo == synced {
			return broken
		}
		err := f.Sync()
		q.wmu.Lock()
		switch {
		case err == nil:
			q.synced = max(q.synced, upTo)
		case q.f != f:
			err = nil // rotated meanwhile: rotate synced that file; try the next
		default:
			q.broken = queueError(err, "syncing the queue")
		}
		done := q.f == f || q.broken != nil
		q.wmu.Unlock()
		if done {
			return err
		}
	}
}

// collect removes the oldest segments whose records are all done: those
// that queue no seq above floor.
func (q *queue) collect(floor uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.segs) > 1 && q.segs[0].maxSeq <= floor {
		if err := os.Remove(q.path(q.segs[0].index)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return // tried again after the next commit
		}
		q.segs = q.segs[1:]
	}
}

// close syncs and closes the last segment. With empty set, nothing is
// queued, so it removes every segment. Nothing may write any more.
func (q *queue) close(empty bool) error {
	err := q.sync()
	if cerr := q.f.Close(); err == nil && cerr != nil {
		err = queueError(cerr, "closing the queue")
	}
	if err != nil || !empty {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, s := range q.segs {
		if err := os.Remove(q.path(s.index)); err != nil {
			return queueError(err, "removing a queue segment")
		}
	}
	q.segs = nil
	return syncDir(q.dir)
}

// cursor is a worker's place in the log.
type cursor struct {
	index uint64 // the segment being read; 0 before the first read
	off   int64
	f     *os.File
	buf   []byte // reused by every read
}

func (c *cursor) close() {
	if c.f != nil {
		c.f.Close()
		c.f = nil
	}
}

// read returns the next committed records after c, whole, and moves c past
// them. It returns nothing when c is at the end of the log. The bytes are
// c's buffer, which the next read overwrites.
func (q *queue) read(c *cursor) ([]byte, error) {
	limit, ok, err := q.seek(c)
	if err != nil || !ok {
		return nil, err
	}
	n := int(min(limit-c.off, readChunk))
	if cap(c.buf) < n {
		c.buf = make([]byte, n)
	}
	buf := c.buf[:n]
	if _, err := c.f.ReadAt(buf, c.off); err != nil {
		return nil, queueError(err, "reading the queue")
	}
	whole := wholeRecords(buf)
	if whole == 0 { // a record longer than the chunk
		need := int64(frameHeader) + int64(binary.LittleEndian.Uint32(buf))
		if need > limit-c.off || need > frameHeader+maxPayload {
			return nil, events.Errorf(events.CodeStoreUnavailable, "localbus: queue segment %s is damaged at offset %d", c.f.Name(), c.off)
		}
		c.buf = make([]byte, need)
		if _, err := c.f.ReadAt(c.buf, c.off); err != nil {
			return nil, queueError(err, "reading the queue")
		}
		buf, whole = c.buf, int(need)
	}
	c.off += int64(whole)
	return buf[:whole], nil
}

// wholeRecords returns the length of the whole records at the start of b.
func wholeRecords(b []byte) int {
	n := 0
	for n+frameHeader <= len(b) {
		size := frameHeader + int(binary.LittleEndian.Uint32(b[n:]))
		if n+size > len(b) {
			break
		}
		n += size
	}
	return n
}

// seek puts c on the segment that holds its next committed byte, opening it,
// and returns that segment's committed size. It returns false when c is at
// the end of the log.
func (q *queue) seek(c *cursor) (int64, bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		i, found := slices.BinarySearchFunc(q.segs, c.index, func(s *segment, index uint64) int {
			return cmp.Compare(s.index, index)
		})
		if found && c.f != nil {
			if c.off < q.segs[i].size {
				return q.segs[i].size, true, nil
			}
			if i == len(q.segs)-1 {
				return 0, false, nil
			}
			i++
		}
		// A segment that is gone held only records every target is done with.
		if i >= len(q.segs) {
			return 0, false, nil
		}
		c.close()
		f, err := os.Open(q.path(q.segs[i].index))
		if err != nil {
			return 0, false, queueError(err, "opening a queue segment")
		}
		c.index, c.off, c.f = q.segs[i].index, 0, f
	}
}
