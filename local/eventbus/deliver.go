package eventbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepfold/stepfold/events"
)

// deadLetterTimeout bounds one dead-letter write, which must happen even when
// the delivery's context has ended.
const deadLetterTimeout = 10 * time.Second

// errStopped ends the attempts at a delivery that the bus stopped, or whose
// context ended, before the retry policy gave up.
var errStopped = errors.New("stopped")

// handle makes one queued delivery, with retries, and dead-letters it on
// failure. It returns false when the bus stopped it first: the delivery
// stays queued.
func (b *Bus) handle(l *lane, d delivery) bool {
	err := b.attempt(b.run, b.pause, l, d)
	if err == nil {
		return true
	}
	if errors.Is(err, errStopped) {
		return false
	}
	return b.deadLetter(b.pause, l, d, err)
}

// deliverNow makes one delivery that is not queued (a replay), with
// retries, and dead-letters it on failure. It reports whether the target
// took the event.
func (b *Bus) deliverNow(ctx context.Context, l *lane, d delivery) bool {
	err := b.attempt(ctx, ctx, l, d)
	if err == nil {
		return true
	}
	b.deadLetter(ctx, l, d, err)
	return false
}

// attempt delivers d until it succeeds, fails for good, or runs out of
// attempts or age. Deliveries run under ctx; the waits between them end
// with pause, and then so do the attempts.
func (b *Bus) attempt(ctx, pause context.Context, l *lane, d delivery) error {
	r := l.retry
	if age := b.cfg.now().Sub(d.queued); age > r.MaxAge {
		return fmt.Errorf("waited %v in the queue, past the maximum event age %v", age.Round(time.Second), r.MaxAge)
	}
	for n := 1; ; n++ {
		err := l.target.Deliver(ctx, d.event)
		if err == nil || IsPermanent(err) {
			return err
		}
		if pause.Err() != nil {
			return fmt.Errorf("%w after %d attempts: %w", errStopped, n, err)
		}
		wait, ok := b.nextWait(r, n, d)
		if !ok {
			return fmt.Errorf("gave up after %d attempts: %w", n, err)
		}
		if b.cfg.sleep(pause, wait) != nil {
			return fmt.Errorf("%w after %d attempts: %w", errStopped, n, err)
		}
	}
}

// nextWait returns the backoff after failed attempt n, or false when the
// policy allows no further attempt.
func (b *Bus) nextWait(r Retry, n int, d delivery) (time.Duration, bool) {
	if n >= r.Attempts {
		return 0, false
	}
	wait := r.backoff(n)
	if b.cfg.now().Add(wait).Sub(d.queued) > r.MaxAge {
		return 0, false
	}
	return wait, true
}

// deadLetter sends d to the target's dead-letter queue, trying again with
// backoff while that fails, until it works or pause ends. It reports
// whether the dead-letter queue took d.
func (b *Bus) deadLetter(pause context.Context, l *lane, d delivery, cause error) bool {
	for n := 1; ; n++ {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(pause), deadLetterTimeout)
		id, err := l.dlq.Send(dctx, string(d.event))
		cancel()
		if err == nil {
			b.cfg.log.Warn("localbus: event dead-lettered",
				"target", l.name, "rule", d.rule, "event", d.id, "message", id, "cause", cause)
			return true
		}
		b.cfg.log.Error("localbus: the dead-letter queue refused an event; it stays with the bus, which tries again",
			"target", l.name, "rule", d.rule, "event", d.id, "cause", cause, "error", err)
		if b.cfg.sleep(pause, l.retry.backoff(n)) != nil {
			return false
		}
	}
}

// deadLetterUnqueued sends deliveries that the queue could not take
// straight to their targets' dead-letter queues. It returns PublishFailed
// if one of those fails too.
func (b *Bus) deadLetterUnqueued(ctx context.Context, es []*entry, cause error) error {
	for _, e := range es {
		for _, r := range e.routes {
			l := b.lanes[r.target]
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deadLetterTimeout)
			id, err := l.dlq.Send(dctx, string(e.event))
			cancel()
			if err != nil {
				return events.Wrap(events.CodePublishFailed, errors.Join(cause, err),
					fmt.Sprintf("localbus: neither the queue nor the dead-letter queue of %s could take event %s", r.target, e.id))
			}
			b.cfg.log.Error("localbus: the queue cannot be written; event dead-lettered instead of queued",
				"target", r.target, "rule", r.rule, "event", e.id, "message", id, "error", cause)
		}
	}
	return nil
}

// marshal encodes a bus event compactly, on one line.
func marshal(e Event) ([]byte, error) {
	data, err := e.AppendJSON(make([]byte, 0, 256+len(e.Detail)))
	if err != nil {
		return nil, fmt.Errorf("localbus: encoding event %s: %w", e.ID, err)
	}
	return data, nil
}
