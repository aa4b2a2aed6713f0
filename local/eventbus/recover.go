package eventbus

import (
	"bytes"
	"errors"
	"log/slog"
	"os"

	"github.com/stepfold/stepfold/events"
)

// recovery is what the log held when the queue was opened.
type recovery struct {
	done   map[string]uint64  // by target: the highest seq it is done with
	queued map[string][]entry // by target: its queued records, without the event
}

// pending returns the records queued for target that it is not done with.
func (r *recovery) pending(target string) []entry {
	var out []entry
	for _, e := range r.queued[target] {
		if e.seq > r.done[target] {
			out = append(out, e)
		}
	}
	return out
}

// openQueue opens the queue in dir, creating it if need be, reads what it
// holds and starts a new segment for the writes to come. The last segment
// may end in a record cut short by a machine crash: that record was never
// synced, so no Publish returned for it, and it is dropped (and logged). Any
// other damage stops the open with an error that names the file and the
// offset.
func openQueue(dir string, limit int64, log *slog.Logger) (*queue, *recovery, error) {
	if err := ensureDir(dir); err != nil {
		return nil, nil, err
	}
	indexes, err := segmentIndexes(dir)
	if err != nil {
		return nil, nil, err
	}
	q := &queue{dir: dir, limit: limit}
	rec := &recovery{done: map[string]uint64{}, queued: map[string][]entry{}}
	for i, index := range indexes {
		seg, err := q.recoverSegment(index, i == len(indexes)-1, rec, log)
		if err != nil {
			return nil, nil, err
		}
		q.segs = append(q.segs, seg)
		q.nextSeq = max(q.nextSeq, seg.maxSeq)
	}
	// The segments that held the last seqs may be gone, with their records
	// done; the progress that says so may not. New seqs go on past both.
	for _, seq := range rec.done {
		q.nextSeq = max(q.nextSeq, seq)
	}
	if err := q.startSegment(); err != nil {
		return nil, nil, err
	}
	return q, rec, nil
}

// recoverSegment reads one segment into rec.
func (q *queue) recoverSegment(index uint64, last bool, rec *recovery, log *slog.Logger) (*segment, error) {
	path := q.path(index)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, queueError(err, "reading the queue")
	}
	seg := &segment{index: index}
	for seg.size < int64(len(data)) {
		rest := data[seg.size:]
		p, n, err := nextFrame(rest)
		if err == nil {
			err = rec.add(p, seg)
		}
		switch {
		case err == nil:
			seg.size += int64(n)
		case last && torn(rest, err):
			return seg, truncateTorn(path, seg.size, len(rest), log)
		default:
			return nil, events.Errorf(events.CodeStoreUnavailable,
				"localbus: queue segment %s is damaged at offset %d (%v), with %d bytes from there to its end; "+
					"move the queue directory aside to start without it (its events are in the event log, from which they can be published again)",
				path, seg.size, err, len(rest))
		}
	}
	return seg, nil
}

// add records one payload read from seg.
func (r *recovery) add(p []byte, seg *segment) error {
	switch p[0] {
	case kindQueued:
		e, ok := decodeQueued(p)
		if !ok {
			return errBadRecord
		}
		e.event = nil
		for _, rt := range e.routes {
			r.queued[rt.target] = append(r.queued[rt.target], e)
		}
		seg.maxSeq = max(seg.maxSeq, e.seq)
	case kindDone:
		target, seq, ok := decodeDone(p)
		if !ok {
			return errBadRecord
		}
		r.done[target] = max(r.done[target], seq)
	default:
		return errBadRecord
	}
	return nil
}

// torn reports whether a bad record at the start of rest is the tail of a
// write that a crash cut short: its bytes stop before its end, or only
// zeros follow, as when the file was extended but not written.
func torn(rest []byte, err error) bool {
	return errors.Is(err, errIncomplete) || len(bytes.Trim(rest, "\x00")) == 0
}

func truncateTorn(path string, size int64, dropped int, log *slog.Logger) error {
	log.Warn("localbus: the queue ended in a record cut short by a crash; it was never synced, so no publish was acknowledged for it, and it is dropped",
		"file", path, "offset", size, "bytes", dropped)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return queueError(err, "opening a torn queue segment")
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return queueError(err, "truncating a torn queue segment")
	}
	if err := f.Sync(); err != nil {
		return queueError(err, "syncing a truncated queue segment")
	}
	return nil
}
