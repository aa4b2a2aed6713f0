package asl

import (
	"context"
	"sync"
	"time"
)

// virtualClock is a Clock for tests: Sleep advances the time at once, and a
// timeout context fires when a Sleep under it would pass its deadline.
type virtualClock struct {
	mu  sync.Mutex
	now time.Time
}

var _ Clock = (*virtualClock)(nil)

func newVirtualClock() *virtualClock {
	return &virtualClock{now: time.Date(2024, 11, 28, 12, 0, 0, 0, time.UTC)}
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// vkey finds the innermost virtual timeout context.
type vkey struct{}

// vctx is a context cancelled with DeadlineExceeded at a virtual deadline.
type vctx struct {
	context.Context
	deadline time.Time
	parent   *vctx
	done     chan struct{}
	once     sync.Once
	mu       sync.Mutex
	err      error
}

func (v *vctx) Done() <-chan struct{} { return v.done }

func (v *vctx) Err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

func (v *vctx) Value(k any) any {
	if k == (vkey{}) {
		return v
	}
	return v.Context.Value(k)
}

func (v *vctx) fire(err error) {
	v.once.Do(func() {
		v.mu.Lock()
		v.err = err
		v.mu.Unlock()
		close(v.done)
	})
}

func (c *virtualClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	parent, _ := ctx.Value(vkey{}).(*vctx)
	v := &vctx{Context: ctx, deadline: c.Now().Add(d), parent: parent, done: make(chan struct{})}
	stop := context.AfterFunc(ctx, func() { v.fire(ctx.Err()) })
	return v, func() { stop(); v.fire(context.Canceled) }
}

// Sleep advances the clock by d, or to the earliest pending virtual
// deadline of ctx, firing it.
func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var first *vctx
	for v, _ := ctx.Value(vkey{}).(*vctx); v != nil; v = v.parent {
		if v.Err() == nil && (first == nil || v.deadline.Before(first.deadline)) {
			first = v
		}
	}
	c.mu.Lock()
	target := c.now.Add(d)
	if first != nil && !first.deadline.After(target) {
		if first.deadline.After(c.now) {
			c.now = first.deadline
		}
		c.mu.Unlock()
		first.fire(context.DeadlineExceeded)
		<-ctx.Done()
		return ctx.Err()
	}
	if target.After(c.now) {
		c.now = target
	}
	c.mu.Unlock()
	return nil
}
