package eventbus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Retry bounds the attempts to deliver one event to one target.
type Retry struct {
	// Attempts is the most deliveries tried, the first included (at least 1).
	Attempts int
	// Initial is the backoff before the second attempt; it doubles after
	// each failure, up to Max. Each wait is drawn at random from its upper
	// half (jitter), so failing subscribers are not hit in lockstep.
	Initial, Max time.Duration
	// MaxAge stops retrying once the event has waited this long since
	// Publish queued it. The first attempt is always made.
	MaxAge time.Duration
}

// DefaultRetry suits a laptop: six quick attempts within a minute.
func DefaultRetry() Retry {
	return Retry{Attempts: 6, Initial: 100 * time.Millisecond, Max: 5 * time.Second, MaxAge: time.Minute}
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
