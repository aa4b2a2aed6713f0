package eventbus

import (
	"sync/atomic"

	"github.com/stepfold/stepfold/events"
)

// flushEvery is how many deliveries a busy worker makes between two
// records of its progress; an idle one records it at once.
const flushEvery = 256

// lane is one target's share of the queue. Its worker reads the log and
// delivers the records routed to the target, in order, one at a time.
type lane struct {
	name   string
	target Target
	dlq    events.DeadLetters
	retry  Retry

	wake chan struct{} // new records are committed
	// done is the highest seq the worker is done with; high the highest
	// written for the target, which only writers set, under the write lock.
	done, high atomic.Uint64
	written    uint64 // the highest done recorded in the log; under the write lock
}

func (l *lane) notify() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// resume makes the lanes, where each target takes up what an earlier bus
// left in the queue, and records as done the deliveries queued for targets
// this bus does not have, which it drops with a warning.
func (b *Bus) resume(rec *recovery) error {
	b.lanes = make(map[string]*lane, len(b.cfg.targets))
	for name, t := range b.cfg.targets {
		l := &lane{name: name, target: t.target, dlq: t.dlq, retry: b.cfg.retryOf(name), wake: make(chan struct{}, 1)}
		l.done.Store(rec.done[name])
		l.high.Store(rec.done[name])
		l.written = rec.done[name]
		if p := rec.pending(name); len(p) > 0 {
			l.high.Store(p[len(p)-1].seq)
			b.cfg.log.Info("localbus: delivering what an earlier run left queued", "target", name, "deliveries", len(p), "first", p[0].id)
		}
		b.lanes[name] = l
	}
	var orphans []byte
	for name := range rec.queued {
		if _, ok := b.lanes[name]; ok {
			continue
		}
		if p := rec.pending(name); len(p) > 0 {
			b.cfg.log.Warn("localbus: dropping queued deliveries to a target this bus does not have; the events are in the event log",
				"target", name, "deliveries", len(p), "first", p[0].id, "last", p[len(p)-1].id)
			orphans = appendDone(orphans, name, p[len(p)-1].seq)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	b.q.wmu.Lock()
	err := b.q.write(orphans, 0)
	b.q.wmu.Unlock()
	if err != nil {
		return err
	}
	return b.q.sync()
}

// serve runs the worker of l until the bus closes, or until a delivery
// fails while it closes.
func (b *Bus) serve(l *lane) {
	var c cursor
	defer c.close()
	unrecorded := 0
	for {
		stopping := b.isStopping()
		ds, err := b.readLane(&c, l)
		if err != nil {
			b.cfg.log.Error("localbus: cannot read the queue; the target gets nothing more until the next start", "target", l.name, "error", err)
			return
		}
		if len(ds) == 0 {
			if unrecorded > 0 {
				b.recordProgressOrLog()
				unrecorded = 0
			}
			if stopping {
				return
			}
			select {
			case <-l.wake:
			case <-b.stop:
			}
			continue
		}
		for i, d := range ds {
			if !b.handle(l, d) {
				return
			}
			if i == len(ds)-1 || ds[i+1].seq != d.seq { // a rule pair to one target is one seq
				l.done.Store(d.seq)
				if unrecorded++; unrecorded >= flushEvery {
					b.recordProgressOrLog()
					unrecorded = 0
				}
			}
		}
	}
}

// recordProgressOrLog records the workers' progress. A failure costs only
// deliveries again after a restart; the queue is broken by then, and the
// publishes say so.
func (b *Bus) recordProgressOrLog() {
	if err := b.recordProgress(); err != nil {
		b.cfg.log.Debug("localbus: progress not recorded", "error", err)
	}
}

func (b *Bus) isStopping() bool {
	select {
	case <-b.stop:
		return true
	default:
		return false
	}
}

// readLane returns the next deliveries for l from the log, or none at its
// end.
func (b *Bus) readLane(c *cursor, l *lane) ([]delivery, error) {
	after := l.done.Load()
	for {
		chunk, err := b.q.read(c)
		if err != nil || len(chunk) == 0 {
			return nil, err
		}
		ds, err := deliveriesFor(chunk, l.name, after)
		if err != nil || len(ds) > 0 {
			return ds, err
		}
	}
}

// deliveriesFor returns the deliveries to target in chunk, whole records,
// with a seq above after.
func deliveriesFor(chunk []byte, target string, after uint64) ([]delivery, error) {
	var ds []delivery
	for len(chunk) > 0 {
		p, n, err := nextFrame(chunk)
		if err != nil {
			return nil, events.Wrap(events.CodeStoreUnavailable, err, "localbus: reading the queue")
		}
		chunk = chunk[n:]
		if p[0] != kindQueued {
			continue
		}
		var ok bool
		if ds, ok = appendDeliveries(ds, p, target, after); !ok {
			return nil, events.Wrap(events.CodeStoreUnavailable, errBadRecord, "localbus: reading the queue")
		}
	}
	return ds, nil
}
