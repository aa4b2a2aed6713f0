package eventbus

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// deadLetterTimeout bounds one dead-letter write, which must happen even when
// the delivery's context has ended.
const deadLetterTimeout = 10 * time.Second

// deliver makes one delivery, with retries, and dead-letters it on failure.
// It reports whether the target took the event.
func (b *Bus) deliver(ctx context.Context, w *worker, d delivery) bool {
	err := ctx.Err()
	if err == nil {
		err = b.attempt(ctx, w.target, d)
	}
	if err == nil {
		return true
	}
	b.deadLetter(ctx, w, d, err)
	return false
}

// attempt delivers d until it succeeds, fails for good, or runs out of
// attempts or age.
func (b *Bus) attempt(ctx context.Context, t Target, d delivery) error {
	for n := 1; ; n++ {
		err := t.Deliver(ctx, d.event)
		if err == nil || IsPermanent(err) {
			return err
		}
		wait, ok := b.nextWait(n, d)
		if !ok {
			return fmt.Errorf("gave up after %d attempts: %w", n, err)
		}
		if serr := b.cfg.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("stopped after %d attempts (%v): %w", n, serr, err)
		}
	}
}

// nextWait returns the backoff after failed attempt n, or false when the
// policy allows no further attempt.
func (b *Bus) nextWait(n int, d delivery) (time.Duration, bool) {
	r := b.cfg.retry
	if n >= r.Attempts {
		return 0, false
	}
	wait := r.backoff(n)
	if b.cfg.now().Add(wait).Sub(d.queued) > r.MaxAge {
		return 0, false
	}
	return wait, true
}

func (b *Bus) deadLetter(ctx context.Context, w *worker, d delivery, cause error) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deadLetterTimeout)
	defer cancel()
	id, err := w.dlq.Send(dctx, string(d.event))
	if err != nil {
		b.cfg.log.Error("localbus: event lost from the bus; republish it from the event log",
			"target", w.name, "rule", d.rule, "event", d.id, "cause", cause, "error", err)
		return
	}
	b.cfg.log.Warn("localbus: event dead-lettered",
		"target", w.name, "rule", d.rule, "event", d.id, "message", id, "cause", cause)
}

// marshal encodes a bus event compactly, on one line.
func marshal(e Event) ([]byte, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("localbus: encoding event %s: %w", e.ID, err)
	}
	return data, nil
}
