package boltstore

import (
	"context"
	"errors"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// op is one write waiting for a group commit.
type op struct {
	ctx context.Context
	// run checks, then writes, inside the shared view. An error it returns
	// means it wrote nothing, unless the error is a *writeFailure.
	run func(v *view) error
	err error
	// wake receives true when this op's goroutine must lead the next commit
	// and false when its result is ready.
	wake chan bool
}

// writeFailure marks a bbolt write error in the middle of an op: the op may
// have written part of its effect, so the transaction cannot be committed.
type writeFailure struct{ err error }

func (w *writeFailure) Error() string { return w.err.Error() }
func (w *writeFailure) Unwrap() error { return w.err }

// put writes k=v in b, marking a failure as a writeFailure.
func put(b *bolt.Bucket, k, v []byte) error {
	if err := b.Put(k, v); err != nil {
		return &writeFailure{err}
	}
	return nil
}

// group is the leader/follower queue of the group commit. The goroutine that
// finds no commit running leads: it commits everything queued, itself
// included, in one transaction. Ops that arrive meanwhile queue up; when the
// commit ends, the leader hands the lead to the oldest of them, which commits
// the whole queue. No one waits for a timer.
type group struct {
	mu     sync.Mutex
	queue  []*op
	busy   bool
	commit func(batch []*op)
}

// do runs o through a group commit and returns its result.
func (g *group) do(o *op) error {
	o.wake = make(chan bool, 1)
	g.mu.Lock()
	g.queue = append(g.queue, o)
	if g.busy {
		g.mu.Unlock()
		if lead := <-o.wake; !lead {
			return o.err
		}
		g.mu.Lock()
	}
	g.busy = true
	batch := g.queue
	g.queue = nil
	g.mu.Unlock()

	g.commit(batch)
	g.handOver(batch, o)
	return o.err
}

// handOver wakes the followers of batch with their results and passes the
// lead to the oldest queued op, if any.
func (g *group) handOver(batch []*op, leader *op) {
	for _, f := range batch {
		if f != leader {
			f.wake <- false
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		g.busy = false
		return
	}
	g.queue[0].wake <- true
}

// commit runs batch in one transaction. If one op fails midway through a
// write, the transaction is rolled back and every op runs again in its own
// transaction, so that the failure stays with the op that caused it.
func (s *Store) commit(batch []*op) {
	err := s.db.Update(func(tx *bolt.Tx) error { return runAll(&view{tx: tx}, batch) })
	if err == nil {
		return
	}
	var wf *writeFailure
	if len(batch) > 1 && errors.As(err, &wf) {
		for _, o := range batch {
			s.commit([]*op{o})
		}
		return
	}
	err = s.storeError(err)
	for _, o := range batch {
		o.err = err
	}
}

func runAll(v *view, batch []*op) error {
	for _, o := range batch {
		if o.err = ctxError(o.ctx); o.err != nil {
			continue
		}
		o.err = o.run(v)
		var wf *writeFailure
		if errors.As(o.err, &wf) {
			return o.err
		}
	}
	return nil
}

// write runs fn as one op of a group commit of the file.
func (s *Store) write(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	return s.commitIn(ctx, &s.group, func(v *view) error { return fn(v.tx) })
}

// commitIn runs fn as one op of g's group commits.
func (s *Store) commitIn(ctx context.Context, g *group, fn func(v *view) error) error {
	if err := ctxError(ctx); err != nil {
		return err
	}
	return g.do(&op{ctx: ctx, run: fn})
}

// unavailable wraps a bbolt error as StoreUnavailable.
func unavailable(err error, what string) error {
	return events.Wrap(events.CodeStoreUnavailable, err, what)
}
