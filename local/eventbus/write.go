package eventbus

import (
	"math"
	"time"
)

// Writing the queue. Publish writes its own records, under the queue's
// write lock: one write of a few hundred bytes to the page cache, and no
// hop to another goroutine, which on a busy machine would mean waiting for
// a core again. Once written, records survive the process. A sync goroutine
// syncs the file SyncInterval after a write, without holding up the writes
// meanwhile: the event store has already synced each command's events, so
// one sync of the queue serves every command of the interval. The writes
// also record the targets' progress (done records).

// enqueue writes the records of es, with the targets' progress, and tells
// the workers of their targets.
func (b *Bus) enqueue(es []*entry) error {
	q := b.q
	q.wmu.Lock()
	defer q.wmu.Unlock()
	buf := q.buf[:0]
	var maxSeq uint64
	for _, e := range es {
		q.nextSeq++
		e.seq, maxSeq = q.nextSeq, q.nextSeq
		buf = appendQueued(buf, e)
	}
	buf, progress := b.appendProgress(buf)
	q.buf = buf
	if err := q.write(buf, maxSeq); err != nil {
		return err
	}
	for _, e := range es {
		for _, r := range e.routes {
			l := b.lanes[r.target]
			l.high.Store(e.seq)
			l.notify()
		}
	}
	b.written(progress)
	return nil
}

// recordProgress writes the progress of the targets that moved since it
// was last written.
func (b *Bus) recordProgress() error {
	q := b.q
	q.wmu.Lock()
	defer q.wmu.Unlock()
	buf, progress := b.appendProgress(q.buf[:0])
	q.buf = buf
	if len(buf) == 0 {
		return nil
	}
	if err := q.write(buf, 0); err != nil {
		return err
	}
	b.written(progress)
	return nil
}

// done is a target's progress as appended, not yet written.
type done struct {
	l   *lane
	seq uint64
}

// appendProgress appends a done record for each target that moved.
func (b *Bus) appendProgress(buf []byte) ([]byte, []done) {
	var progress []done
	for _, l := range b.lanes {
		if d := l.done.Load(); d > l.written {
			buf = appendDone(buf, l.name, d)
			progress = append(progress, done{l, d})
		}
	}
	return buf, progress
}

// written follows a write, under the write lock: the targets' progress is
// recorded, the file is to be synced soon, and the segments that no target
// needs go. The targets must know of the records just written first, or a
// segment holding them could look done.
func (b *Bus) written(progress []done) {
	for _, p := range progress {
		p.l.written = p.seq
	}
	select {
	case b.syncKick <- struct{}{}:
	default:
	}
	b.q.collect(b.floor())
}

// syncLoop syncs the queue SyncInterval after a write, until Close.
func (b *Bus) syncLoop() {
	defer close(b.syncDone)
	timer := time.NewTimer(SyncInterval)
	timer.Stop()
	logged := false
	for {
		select {
		case <-b.syncKick:
		case <-b.syncQuit:
			return
		}
		timer.Reset(SyncInterval)
		select {
		case <-timer.C:
		case <-b.syncQuit:
			timer.Stop()
			return
		}
		if err := b.q.sync(); err != nil && !logged {
			b.cfg.log.Error("localbus: the queue cannot be synced; from now on events go to the dead-letter queues", "error", err)
			logged = true
		}
	}
}

// floor is the highest seq below which every target is done: the least
// done of the targets with records queued, or MaxUint64 when none has any.
func (b *Bus) floor() uint64 {
	f := uint64(math.MaxUint64)
	for _, l := range b.lanes {
		if d := l.done.Load(); l.high.Load() > d {
			f = min(f, d)
		}
	}
	return f
}
