package eventbus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Bus is the local event bus. Create it with New and stop it with Close.
// It is safe for concurrent use.
type Bus struct {
	cfg     config
	rules   map[string]Rule
	matcher *matcher
	workers map[string]*worker

	mu        sync.RWMutex // guards closed and the queues' closing
	closed    bool
	closing   chan struct{}
	closeOnce sync.Once
	cancel    context.CancelFunc // ends the workers' deliveries
	wg        sync.WaitGroup
}

var _ events.Publisher = (*Bus)(nil)

// delivery is one event on its way to one rule's target.
type delivery struct {
	rule   string
	id     string
	event  []byte
	queued time.Time
}

// worker serves one target's queue, in order.
type worker struct {
	name   string
	target Target
	dlq    events.DeadLetters
	queue  chan delivery
}

// New returns a running bus that routes by rules. Every rule needs a unique
// name, a valid pattern (see the package doc) and a target given with
// WithTarget. Errors are InvalidArgument.
func New(rules []Rule, opts ...Option) (*Bus, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	byName, err := checkRules(rules, cfg.targets)
	if err != nil {
		return nil, err
	}
	m, err := newMatcher(rules)
	if err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg, rules: byName, matcher: m, workers: map[string]*worker{}, closing: make(chan struct{})}
	b.start()
	return b, nil
}

func checkRules(rules []Rule, targets map[string]binding) (map[string]Rule, error) {
	byName := make(map[string]Rule, len(rules))
	for i, r := range rules {
		switch {
		case r.Name == "":
			return nil, events.Errorf(events.CodeInvalidArgument, "localbus: rule %d has no name", i)
		case byName[r.Name].Name != "":
			return nil, events.Errorf(events.CodeInvalidArgument, "localbus: rule name %q is used twice", r.Name)
		}
		if _, ok := targets[r.Target]; !ok {
			return nil, events.Errorf(events.CodeInvalidArgument, "localbus: rule %q targets %q, which no WithTarget gives", r.Name, r.Target)
		}
		byName[r.Name] = r
	}
	return byName, nil
}

func (b *Bus) start() {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	for name, t := range b.cfg.targets {
		w := &worker{name: name, target: t.target, dlq: t.dlq, queue: make(chan delivery, b.cfg.queueSize)}
		b.workers[name] = w
		b.wg.Go(func() { b.serve(ctx, w) })
	}
}

func (b *Bus) serve(ctx context.Context, w *worker) {
	for d := range w.queue {
		b.deliver(ctx, w, d)
	}
}

// Publish routes evs, in order, to the targets of the rules they match, and
// returns once every delivery is queued. It does not wait for subscribers.
//
// It returns InvalidArgument for an event without an id or type (nothing is
// queued), Throttled when ctx ends while a target's queue is full, and
// PublishFailed once the bus is closing. After an error some deliveries may
// be queued; publishing the same events again is safe, since subscribers
// dedupe by event id.
func (b *Bus) Publish(ctx context.Context, evs []events.Event) error {
	ds, err := b.route(evs)
	if err != nil {
		return err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return events.Errorf(events.CodePublishFailed, "localbus: the bus is closed")
	}
	for _, d := range ds {
		if err := b.enqueue(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// route encodes and matches every event before any is queued.
func (b *Bus) route(evs []events.Event) ([]delivery, error) {
	var ds []delivery
	now := b.cfg.now()
	for _, e := range evs {
		data, err := b.encode(e, now)
		if err != nil {
			return nil, err
		}
		rules, err := b.matcher.match(data)
		if err != nil {
			return nil, events.Wrap(events.CodeInternal, err, "localbus: matching event "+e.ID)
		}
		for _, r := range rules {
			ds = append(ds, delivery{rule: r, id: e.ID, event: data, queued: now})
		}
	}
	return ds, nil
}

func (b *Bus) encode(e events.Event, now time.Time) ([]byte, error) {
	be, err := Wrap(e, b.cfg.source, now)
	if err != nil {
		return nil, err
	}
	return marshal(be)
}

func (b *Bus) enqueue(ctx context.Context, d delivery) error {
	target := b.rules[d.rule].Target
	select {
	case b.workers[target].queue <- d:
		return nil
	case <-b.closing:
		return events.Errorf(events.CodePublishFailed, "localbus: the bus is closing; event %s was not queued for %s", d.id, target)
	case <-ctx.Done():
		return events.Wrap(events.CodeThrottled, ctx.Err(), fmt.Sprintf("localbus: queue of target %s is full; event %s was not queued", target, d.id))
	}
}

// Close stops accepting events and waits until every queued delivery has
// been made or dead-lettered. If ctx ends first, retries stop and the
// deliveries still queued go straight to their dead-letter queues; Close
// then returns an error that wraps ctx.Err(). Close does not close targets.
// Calling it again waits again.
func (b *Bus) Close(ctx context.Context) error {
	b.closeOnce.Do(func() {
		close(b.closing)
		b.mu.Lock()
		b.closed = true
		for _, w := range b.workers {
			close(w.queue)
		}
		b.mu.Unlock()
	})
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		b.cancel()
		<-done
		return fmt.Errorf("localbus: closed before the queues drained; the rest was dead-lettered: %w", ctx.Err())
	}
}

func (b *Bus) isClosed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.closed
}
