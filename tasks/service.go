package tasks

import (
	"time"

	"github.com/stepfold/stepfold/events"
)

// Service runs the pipeline steps and the reads of one domain over the
// ports it is given. It holds no mutable state and is safe for concurrent
// use. S and C are the domain's state and command types.
type Service[S any, C events.Command] struct {
	domain events.Domain[S, C]
	info   events.Info
	defs   map[string]events.EventDef
	store  events.EventStore
	states events.StateStore
	pub    events.Publisher
	cfg    config
}

// config is what the options set.
type config struct {
	now      func() time.Time
	pageSize int
}

// Option configures a Service. An option that is given an unusable value
// makes New fail with InvalidArgument.
type Option func(*config) error

// WithClock sets the clock that dates commands without an occurredAt.
// The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return events.Errorf(events.CodeInvalidArgument, "tasks: WithClock needs a clock, got nil")
		}
		c.now = now
		return nil
	}
}

// WithPageSize sets how many events one store read asks for when a read
// scans the log. It must be between 1 and events.MaxReadLimit, the default.
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > events.MaxReadLimit {
			return events.Errorf(events.CodeInvalidArgument, "tasks: page size %d must be between 1 and %d", n, events.MaxReadLimit)
		}
		c.pageSize = n
		return nil
	}
}

// New returns the Service of domain d over the event log, the read model
// and the publisher. None may be nil. It returns InvalidArgument for a nil
// port, a bad option, or a domain whose Info does not hold together.
func New[S any, C events.Command](d events.Domain[S, C], store events.EventStore, states events.StateStore, pub events.Publisher, opts ...Option) (*Service[S, C], error) {
	if err := checkPorts(store, states, pub); err != nil {
		return nil, err
	}
	info := d.Info()
	defs, err := eventDefs(info)
	if err != nil {
		return nil, err
	}
	cfg := config{now: time.Now, pageSize: events.MaxReadLimit}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	return &Service[S, C]{domain: d, info: info, defs: defs, store: store, states: states, pub: pub, cfg: cfg}, nil
}

func checkPorts(store events.EventStore, states events.StateStore, pub events.Publisher) error {
	switch {
	case store == nil:
		return events.Errorf(events.CodeInvalidArgument, "tasks: New needs an EventStore, got nil")
	case states == nil:
		return events.Errorf(events.CodeInvalidArgument, "tasks: New needs a StateStore, got nil")
	case pub == nil:
		return events.Errorf(events.CodeInvalidArgument, "tasks: New needs a Publisher, got nil")
	}
	return nil
}

// eventDefs indexes the domain's event types by name.
func eventDefs(info events.Info) (map[string]events.EventDef, error) {
	defs := make(map[string]events.EventDef, len(info.Events))
	for _, d := range info.Events {
		if _, dup := defs[d.Type]; dup || d.Type == "" {
			return nil, events.Errorf(events.CodeInvalidArgument, "tasks: domain %s lists event type %q twice or empty", info.Name, d.Type)
		}
		defs[d.Type] = d
	}
	return defs, nil
}

// Info describes the service's domain.
func (s *Service[S, C]) Info() events.Info { return s.info }
