package localbus

import (
	"math"
	"sync"
	"time"
)

// The group commit. One goroutine owns the queue's writes: it takes every
// publish waiting, writes their records in one write, and wakes them;
// publishes that arrive meanwhile wait for the next round, so one write
// serves everyone who queued while the last one ran, with no timer. Once
// written, records survive the process. The same goroutine syncs the file
// SyncInterval after the first write since the last sync, and on Close. The
// writes also record the targets' progress (done records).

// op is one publish waiting for the group commit.
type op struct {
	entries []*entry
	err     error
	done    chan struct{}
}

// committer is the state of the group commit that publishers share.
type committer struct {
	mu      sync.Mutex
	waiting []*op
	flush   bool          // a worker has progress to record
	kick    chan struct{} // wakes the committing goroutine
	finish  chan chan error
}

func newCommitter() *committer {
	return &committer{kick: make(chan struct{}, 1), finish: make(chan chan error)}
}

func (c *committer) wake() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// submit queues es and waits until they are written and synced.
func (c *committer) submit(es []*entry) error {
	o := &op{entries: es, done: make(chan struct{})}
	c.mu.Lock()
	c.waiting = append(c.waiting, o)
	c.mu.Unlock()
	c.wake()
	<-o.done
	return o.err
}

// flushDone asks for the workers' progress to be written, without waiting.
func (c *committer) flushDone() {
	c.mu.Lock()
	c.flush = true
	c.mu.Unlock()
	c.wake()
}

func (c *committer) take() ([]*op, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops, flush := c.waiting, c.flush
	c.waiting, c.flush = nil, false
	return ops, flush || len(ops) > 0
}

// commitLoop runs the group commit until Close asks it to finish; then it
// records the last progress and closes the queue.
func (b *Bus) commitLoop() {
	syncs := time.NewTimer(time.Hour)
	syncs.Stop()
	armed := false
	for {
		select {
		case <-b.commits.kick:
			for {
				ops, any := b.commits.take()
				if !any {
					break
				}
				b.commit(ops)
			}
			if b.q.unsynced && !armed {
				syncs.Reset(SyncInterval)
				armed = true
			}
		case <-syncs.C:
			armed = false
			if err := b.q.sync(); err != nil {
				b.cfg.log.Error("localbus: the queue cannot be synced; from now on events go to the dead-letter queues", "error", err)
			}
		case reply := <-b.commits.finish:
			syncs.Stop()
			b.commit(nil)
			reply <- b.q.close(b.floor() == math.MaxUint64)
			return
		}
	}
}

// commit writes the records of ops, and the progress of every target, in
// one write. On success it tells the workers of the targets that got
// records; on failure every op gets the error.
func (b *Bus) commit(ops []*op) {
	q := b.q
	buf := q.buf[:0]
	highs := map[*lane]uint64{}
	var maxSeq uint64
	for _, o := range ops {
		for _, e := range o.entries {
			q.nextSeq++
			e.seq, maxSeq = q.nextSeq, q.nextSeq
			buf = appendQueued(buf, e)
			for _, r := range e.routes {
				highs[b.lanes[r.target]] = e.seq
			}
		}
	}
	written := map[*lane]uint64{}
	for _, l := range b.lanes {
		if d := l.done.Load(); d > l.written {
			buf = appendDone(buf, l.name, d)
			written[l] = d
		}
	}
	q.buf = buf
	var err error
	if len(buf) > 0 {
		err = q.write(buf, maxSeq)
	}
	if err == nil {
		b.committed(highs, written)
	}
	for _, o := range ops {
		o.err = err
		close(o.done)
	}
}

// committed applies a successful commit: targets learn of their new
// records, and segments that every target is done with go.
func (b *Bus) committed(highs, written map[*lane]uint64) {
	for l, d := range written {
		l.written = d
	}
	for l, h := range highs {
		l.high.Store(h)
		l.notify()
	}
	b.q.collect(b.floor())
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
