package eventbus

import (
	"log/slog"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Option configures a Bus. Each option checks its own argument.
type Option func(*config) error

type binding struct {
	target Target
	dlq    events.DeadLetters
}

type config struct {
	targets     map[string]binding
	retry       Retry
	retries     map[string]Retry // by target, over retry
	sleep       Sleeper
	now         func() time.Time
	log         *slog.Logger
	source      string
	segmentSize int64
}

func newConfig(opts []Option) (config, error) {
	c := config{
		targets: map[string]binding{}, retry: DefaultRetry(), retries: map[string]Retry{}, sleep: sleep, now: time.Now,
		log: slog.New(slog.DiscardHandler), source: DefaultSource, segmentSize: defaultSegmentSize,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c); err != nil {
			return config{}, err
		}
	}
	for name := range c.retries {
		if _, ok := c.targets[name]; !ok {
			return config{}, invalid("WithTargetRetry names %q, which no WithTarget gives", name)
		}
	}
	return c, nil
}

// retryOf returns the retry policy of a target.
func (c config) retryOf(target string) Retry {
	if r, ok := c.retries[target]; ok {
		return r
	}
	return c.retry
}

func invalid(format string, args ...any) error {
	return events.Errorf(events.CodeInvalidArgument, "localbus: "+format, args...)
}

// WithTarget names a target and gives it its own dead-letter queue, where
// the events it could not take end up. Both are required.
func WithTarget(name string, t Target, dlq events.DeadLetters) Option {
	return func(c *config) error {
		switch {
		case name == "":
			return invalid("a target needs a name")
		case t == nil || dlq == nil:
			return invalid("target %q needs a Target and a dead-letter queue", name)
		}
		if _, dup := c.targets[name]; dup {
			return invalid("target %q is given twice", name)
		}
		c.targets[name] = binding{target: t, dlq: dlq}
		return nil
	}
}

// WithRetry sets the retry policy of every target that WithTargetRetry
// does not name (default DefaultRetry).
func WithRetry(r Retry) Option {
	return func(c *config) error {
		if err := r.Validate(); err != nil {
			return invalid("%v", err)
		}
		c.retry = r
		return nil
	}
}

// WithTargetRetry sets the retry policy of one target, which WithTarget
// must give.
func WithTargetRetry(target string, r Retry) Option {
	return func(c *config) error {
		if err := r.Validate(); err != nil {
			return invalid("target %q: %v", target, err)
		}
		c.retries[target] = r
		return nil
	}
}

// WithSleeper replaces the wait between attempts, for tests.
func WithSleeper(s Sleeper) Option {
	return func(c *config) error {
		if s == nil {
			return invalid("nil sleeper")
		}
		c.sleep = s
		return nil
	}
}

// WithClock replaces time.Now, which stamps events that carry no time and
// measures their age for Retry.MaxAge.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return invalid("nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLogger reports dead-lettered and lost events (default: discarded).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalid("nil logger")
		}
		c.log = l
		return nil
	}
}

// WithSource sets the source of the events (default DefaultSource); the
// rules file's source belongs here.
func WithSource(source string) Option {
	return func(c *config) error {
		if source == "" {
			return invalid("empty source")
		}
		c.source = source
		return nil
	}
}

// withSegmentSize sets the size past which the queue moves on to a new
// segment file (default 16 MiB); tests make it small.
func withSegmentSize(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return invalid("segment size %d must be positive", n)
		}
		c.segmentSize = n
		return nil
	}
}
