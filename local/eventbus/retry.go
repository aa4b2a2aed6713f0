package eventbus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Retry bounds the attempts to deliver one event to one target, as the
// RetryPolicy of an EventBridge target does, and sets the backoff between
// them, which EventBridge does not publish.
type Retry struct {
	// Attempts is the most deliveries tried, the first included (at least
	// 1): EventBridge's MaximumRetryAttempts plus one.
	Attempts int
	// Initial is the backoff before the second attempt; it doubles after
	// each failure, up to Max. Each wait is drawn at random from its upper
	// half (jitter), so failing subscribers are not hit in lockstep.
	Initial, Max time.Duration
	// MaxAge stops retrying once the event has waited this long since
	// Publish queued it: EventBridge's MaximumEventAgeInSeconds. An event
	// that waited longer than that in the queue goes to the dead-letter
	// queue without an attempt.
	MaxAge time.Duration
}

// DefaultRetry is EventBridge's default policy, 185 retries within 24
// hours, with a backoff from 100 ms up to one minute: a target that comes
// back is served again within a minute, and a target that stays down sees
// its events dead-lettered after about two hours of attempts.
func DefaultRetry() Retry {
	return Retry{Attempts: 186, Initial: 100 * time.Millisecond, Max: time.Minute, MaxAge: 24 * time.Hour}
}

// Validate reports a policy that cannot work.
func (r Retry) Validate() error {
	switch {
	case r.Attempts < 1:
		return fmt.Errorf("retry attempts %d must be at least 1", r.Attempts)
	case r.Initial <= 0 || r.Max < r.Initial:
		return fmt.Errorf("retry backoff %v..%v must be positive and ascending", r.Initial, r.Max)
	case r.MaxAge <= 0:
		return fmt.Errorf("retry max age %v must be positive", r.MaxAge)
	}
	return nil
}

// backoff returns the wait after failed attempt n (1 for the first).
func (r Retry) backoff(n int) time.Duration {
	d := r.Initial
	for i := 1; i < n && d < r.Max; i++ {
		d *= 2
	}
	d = min(d, r.Max)
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleeper waits for d or until ctx ends, and then returns ctx.Err().
type Sleeper func(ctx context.Context, d time.Duration) error

// sleep is the real Sleeper.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
