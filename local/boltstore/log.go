package boltstore

import (
	"errors"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/stepfold/stepfold/events"
)

// How a synced store checkpoints its log into the file.
const (
	// checkpointEvery is how long a logged append waits, at most, before a
	// checkpoint writes it into the file. At 50ms, the checkpoints' syncs
	// delayed the log's enough to double a lone client's p99 latency.
	checkpointEvery = time.Second
	// checkpointAt is the number of entries in the tail that starts a
	// checkpoint at once.
	checkpointAt = 16384
	// maxTail is the number of entries past which appends fail, because
	// checkpoints keep failing and memory would grow without bound.
	maxTail = 1 << 16
)

// keyApplied, in the meta bucket, holds the seq of the last log record
// the file holds, as 8 bytes big-endian.
var keyApplied = []byte("log-applied")

// eventLog is the write-ahead log of a synced store: its files, the
// entries it holds beyond the file, the group commit of appends and the
// checkpoint goroutine.
type eventLog struct {
	wal   *wal
	tail  *tail
	group group
	pace  pacer

	writing sync.Mutex // held by a group commit, and by Close to stop them
	stopped bool       // guarded by writing
	turn    sync.Mutex // held by the one checkpoint running

	mu      sync.Mutex
	ckptErr error // the last checkpoint's failure, nil once one succeeds
}

// logDir returns the directory of the log of the store file at path.
func logDir(path string) string { return path + "-log" }

// appliedIn returns the seq of the last log record tx holds.
func appliedIn(tx *bolt.Tx) uint64 {
	return uint64(max(keyInt(tx.Bucket(bucketMeta).Get(keyApplied)), 0))
}

// openLog recovers the log next to the file: it writes into the file the
// records the file lacks, removes the segments, and starts a new one, and
// the checkpoints, every interval at most. sync syncs a directory.
func (s *Store) openLog(every time.Duration, sync func(string) error) error {
	dir := logDir(s.path)
	if err := makeDir(dir, sync); err != nil {
		return err
	}
	applied, err := s.recover(dir)
	if err != nil {
		return err
	}
	if err := removeSegments(dir, sync); err != nil {
		return err
	}
	w := &wal{dir: dir, limit: segmentSize, sync: sync}
	if err := w.rotate(applied + 1); err != nil {
		return err
	}
	s.log = &eventLog{wal: w, tail: newTail(applied + 1), pace: newPacer(every)}
	s.log.group.commit = s.commitLog
	go s.log.pace.run(func() { _ = s.checkpoint() })
	return nil
}

// recover writes the log's records that the file lacks into it, and
// returns the seq of the last record the file then holds. It refuses a
// log that is damaged other than by a crash, and cuts off a torn tail
// (scan.go).
func (s *Store) recover(dir string) (uint64, error) {
	var applied uint64
	if err := s.db.View(func(tx *bolt.Tx) error { applied = appliedIn(tx); return nil }); err != nil {
		return 0, err
	}
	scan, err := scanLog(dir)
	if err != nil {
		return 0, err
	}
	if err := s.settle(scan.problems(), applied); err != nil {
		return 0, err
	}
	es, err := scan.after(applied)
	if err != nil || len(es) == 0 {
		return applied, err
	}
	return es[len(es)-1].seq, s.db.Update(func(tx *bolt.Tx) error { return writeEntries(tx, es) })
}

// settle refuses the log if any problem is corruption; otherwise it cuts
// off a torn tail and logs each problem.
func (s *Store) settle(ps []problem, applied uint64) error {
	if err := errCorrupt(ps, applied); err != nil {
		return err
	}
	for _, p := range ps {
		attrs := []any{"file", p.seg.path, "offset", p.offset, "bytes", p.size, "record", p.seq()}
		if r := p.read(); r != nil {
			attrs = append(attrs, "stream", r.stream, "commandId", r.commandID)
		}
		if p.kind(applied) == checkpointed {
			s.logger.Warn("the event log has records that do not read back, all of them already in the store file: nothing is lost", attrs...)
			continue
		}
		if err := truncate(p.seg.path, p.offset); err != nil {
			return err
		}
		s.logger.Warn("cut the torn tail of the event log: the last write before a crash did not finish, and none of its appends returned", attrs...)
	}
	return nil
}

// writeEntries writes es, in seq order, and records the last seq.
func writeEntries(tx *bolt.Tx, es []*entry) error {
	for _, e := range es {
		if err := writeEntry(tx, e); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyApplied, key(int64(es[len(es)-1].seq)))
}

// commitLog is the group commit of appends on a synced store: it checks
// and applies each op against the file and the tail, in one read
// transaction, then logs the entries they made with one write and one
// sync. The entries become visible to readers only once synced.
func (s *Store) commitLog(batch []*op) {
	l := s.log
	l.writing.Lock()
	defer l.writing.Unlock()
	err := l.usable()
	if err == nil {
		l.tail.gate.RLock()
		err = s.db.View(func(tx *bolt.Tx) error {
			return runAll(&view{tx: tx, tail: l.tail, applied: appliedIn(tx), own: true}, batch)
		})
		l.tail.gate.RUnlock()
	}
	fresh := l.tail.takeFresh()
	if err == nil && len(fresh) > 0 {
		err = l.wal.write(fresh)
	}
	l.tail.settle(fresh, err == nil)
	if err != nil {
		err = s.storeError(err)
		for _, o := range batch {
			if o.err == nil {
				o.err = err
			}
		}
		return
	}
	if len(fresh) > 0 {
		l.pace.poke(l.tail.len() >= checkpointAt)
	}
}

// usable returns why appends fail, if they do. The caller holds
// l.writing.
func (l *eventLog) usable() error {
	switch {
	case l.stopped:
		return events.Wrap(events.CodeStoreUnavailable, berrors.ErrDatabaseNotOpen, "the event log in "+l.wal.dir+" is closed")
	case l.wal.err != nil:
		return l.wal.err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ckptErr != nil && l.tail.len() >= maxTail {
		return events.Wrap(events.CodeStoreUnavailable, l.ckptErr, "the event log cannot be checkpointed into the file")
	}
	return nil
}

// checkpoint writes the durable entries of the tail into the file, then
// forgets them and removes the log segments that only they used.
// Checkpoints take turns.
func (s *Store) checkpoint() error {
	l := s.log
	l.turn.Lock()
	defer l.turn.Unlock()
	es := l.tail.durable()
	if len(es) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error { return writeEntries(tx, es) })
	l.mu.Lock()
	l.ckptErr = err
	l.mu.Unlock()
	if err != nil {
		return s.storeError(err)
	}
	last := es[len(es)-1].seq
	l.tail.drop(last)
	l.wal.removeThrough(last)
	return nil
}

// closeLog stops the checkpoints, writes what the tail holds into the
// file and closes the log, removing its segments when the file holds them
// all. Calling it again does nothing.
func (s *Store) closeLog() error {
	l := s.log
	if l == nil {
		return nil
	}
	l.writing.Lock()
	stopped := l.stopped
	l.stopped = true
	l.writing.Unlock()
	if stopped {
		return nil
	}
	l.pace.shut()
	err := s.checkpoint()
	if cerr := l.wal.close(err == nil && l.tail.len() == 0); cerr != nil {
		err = errors.Join(err, unavailable(cerr, "cannot close the event log in "+l.wal.dir))
	}
	return errors.Join(err, l.wal.err)
}
