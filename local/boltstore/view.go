package boltstore

import (
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// entry is one append's writes: the stored forms of its events from
// version first on, the snapshots they reach, and its command record. On a
// store with a log it is what one log record holds.
type entry struct {
	seq         uint64 // its place in the log; 0 on a store without one
	stream      string
	commandID   string
	fingerprint events.Fingerprint // of the command's request; "" for none
	first       int64
	enc         [][]byte
	snaps       []storedSnapshot
	durable     bool // its record is synced; guarded by tail.mu
}

// storedSnapshot is a snapshot's version and its stored form
// (encodeSnapshot).
type storedSnapshot struct {
	version int64
	value   []byte
}

func (e *entry) last() int64 { return e.first + int64(len(e.enc)) - 1 }

// writeEntry puts e's events, snapshots and command record in tx.
func writeEntry(tx *bolt.Tx, e *entry) error {
	evb, snb := tx.Bucket(bucketEvents), tx.Bucket(bucketSnapshots)
	for i, v := range e.enc {
		if err := put(evb, versionKey(e.stream, e.first+int64(i)), v); err != nil {
			return err
		}
	}
	for _, sn := range e.snaps {
		if err := put(snb, versionKey(e.stream, sn.version), sn.value); err != nil {
			return err
		}
	}
	return put(tx.Bucket(bucketCommands), commandKey(e.stream, e.commandID), encodeCommand(e.first, e.last(), e.fingerprint))
}

// view is what one read, or one group commit, sees of the event log: a
// bbolt transaction and, on a store with a log, the entries logged since
// the last checkpoint that the transaction does not hold yet.
type view struct {
	tx      *bolt.Tx
	tail    *tail  // nil on a store without a log
	applied uint64 // the last seq the transaction holds
	own     bool   // a group commit: it also sees the entries it is adding
}

// entries returns the stream's entries that v sees beyond its
// transaction, in version order.
func (v *view) entries(stream string) []*entry {
	if v.tail == nil {
		return nil
	}
	return v.tail.of(stream, v.applied, v.own)
}

// streams returns the streams after after that have entries v sees
// beyond its transaction, sorted.
func (v *view) streams(after string) []string {
	if v.tail == nil {
		return nil
	}
	all := v.tail.streams(v.applied)
	i, found := slices.BinarySearch(all, after)
	if found {
		i++
	}
	return all[i:]
}

// add makes e part of what v writes: into the transaction on a store
// without a log, or into the tail, not yet durable, on one with a log.
func (v *view) add(e *entry) error {
	if v.tail == nil {
		return writeEntry(v.tx, e)
	}
	v.tail.add(e)
	return nil
}

// tail holds the entries logged but not yet checkpointed into the file.
// Readers hold gate for reading while their transaction and the tail must
// agree; a checkpoint holds it for writing while it drops the entries it
// has committed, so no reader can miss them in both places.
type tail struct {
	gate sync.RWMutex

	mu       sync.Mutex
	byStream map[string][]*entry
	order    []*entry // by seq
	fresh    []*entry // added by the running group commit
	nextSeq  uint64
}

func newTail(nextSeq uint64) *tail {
	return &tail{byStream: map[string][]*entry{}, nextSeq: nextSeq}
}

// of returns the stream's entries after applied: durable ones, and the
// running group commit's own ones when own is set.
func (t *tail) of(stream string, applied uint64, own bool) []*entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*entry
	for _, e := range t.byStream[stream] {
		if e.seq > applied && (e.durable || own) {
			out = append(out, e)
		}
	}
	return out
}

// add numbers e and holds it, not yet durable, as part of the running
// group commit.
func (t *tail) add(e *entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.seq = t.nextSeq
	t.nextSeq++
	t.byStream[e.stream] = append(t.byStream[e.stream], e)
	t.order = append(t.order, e)
	t.fresh = append(t.fresh, e)
}

// takeFresh returns the running group commit's entries.
func (t *tail) takeFresh() []*entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fresh
	t.fresh = nil
	return f
}

// settle ends a group commit: its entries become durable, or, when its
// log write failed, are forgotten.
func (t *tail) settle(es []*entry, synced bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if synced {
		for _, e := range es {
			e.durable = true
		}
		return
	}
	for _, e := range es {
		t.byStream[e.stream] = slices.DeleteFunc(t.byStream[e.stream], func(x *entry) bool { return x == e })
		if len(t.byStream[e.stream]) == 0 {
			delete(t.byStream, e.stream)
		}
	}
	t.order = slices.DeleteFunc(t.order, func(x *entry) bool { return !x.durable })
}

// durable returns the durable entries in seq order, up to the first that
// is not, for a checkpoint.
func (t *tail) durable() []*entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for n < len(t.order) && t.order[n].durable {
		n++
	}
	return slices.Clone(t.order[:n])
}

// len returns how many entries the tail holds.
func (t *tail) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.order)
}

// drop forgets the entries up to seq, which a checkpoint has committed. It
// waits for the readers that may still need them.
func (t *tail) drop(seq uint64) {
	t.gate.Lock()
	defer t.gate.Unlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for n < len(t.order) && t.order[n].seq <= seq {
		e := t.order[n]
		rest := t.byStream[e.stream][1:]
		if len(rest) == 0 {
			delete(t.byStream, e.stream)
		} else {
			t.byStream[e.stream] = rest
		}
		n++
	}
	t.order = slices.Delete(t.order, 0, n)
}

// streams returns the streams of the entries after applied that a reader
// sees, sorted.
func (t *tail) streams(applied uint64) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for a, es := range t.byStream {
		if slices.ContainsFunc(es, func(e *entry) bool { return e.seq > applied && e.durable }) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}
