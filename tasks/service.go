package tasks

import (
	"time"

	"github.com/stepfold/stepfold/events"
)

// Service runs the pipeline steps and the reads over the ports it is given.
// It holds no mutable state and is safe for concurrent use.
type Service struct {
	store    events.EventStore
	states   events.StateStore
	pub      events.Publisher
	now      func() time.Time
	pageSize int
}

// Option configures a Service. An option that is given an unusable value
// makes New fail with InvalidArgument.
type Option func(*Service) error

// WithClock sets the clock that dates commands without an occurredAt.
// The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Service) error {
		if now == nil {
			return events.Errorf(events.CodeInvalidArgument, "tasks: WithClock needs a clock, got nil")
		}
		s.now = now
		return nil
	}
}

// WithPageSize sets how many events one store read asks for when a read
// scans the log. It must be between 1 and events.MaxReadLimit, the default.
func WithPageSize(n int) Option {
	return func(s *Service) error {
		if n < 1 || n > events.MaxReadLimit {
			return events.Errorf(events.CodeInvalidArgument, "tasks: page size %d must be between 1 and %d", n, events.MaxReadLimit)
		}
		s.pageSize = n
		return nil
	}
}

// New returns a Service over the event log, the read model and the
// publisher. None may be nil. It returns InvalidArgument for a nil port or a
// bad option.
func New(store events.EventStore, states events.StateStore, pub events.Publisher, opts ...Option) (*Service, error) {
	switch {
	case store == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "tasks: New needs an EventStore, got nil")
	case states == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "tasks: New needs a StateStore, got nil")
	case pub == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "tasks: New needs a Publisher, got nil")
	}
	s := &Service{store: store, states: states, pub: pub, now: time.Now, pageSize: events.MaxReadLimit}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}
