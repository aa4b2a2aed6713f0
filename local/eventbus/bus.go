package eventbus

import (
	"context"
	"errors"
	"fmt"
	"math"
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
	lanes   map[string]*lane
	q       *queue

	mu        sync.RWMutex // Publish holds it to read; Close takes it to set closed
	closed    bool
	closeOnce sync.Once
	stop      chan struct{}      // closed by Close: drain, retry no more
	pause     context.Context    // the workers' waits; ends when stop closes
	run       context.Context    // the workers' deliveries
	cancel    context.CancelFunc // ends run
	workers   sync.WaitGroup
	syncKick  chan struct{} // a write wants a sync
	syncQuit  chan struct{} // the sync goroutine stops
	syncDone  chan struct{} // it has stopped
	shut      chan struct{} // closed once the queue is closed
	shutErr   error
}

var _ events.Publisher = (*Bus)(nil)

// delivery is one queued event on its way to one rule's target.
type delivery struct {
	seq    uint64
	rule   string
	id     string
	event  []byte
	queued time.Time
}

// New opens the durable queue in dir (creating it if need be) and returns a
// running bus that routes by rules. Every rule needs a unique name, a valid
// pattern (see the package doc) and a target given with WithTarget. The
// deliveries left in the queue by an earlier bus are delivered again (see
// the package doc). Errors are InvalidArgument, and StoreUnavailable when
// the queue cannot be opened.
func New(dir string, rules []Rule, opts ...Option) (*Bus, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, invalid("the bus needs a directory for its queue")
	}
	byName, err := checkRules(rules, cfg.targets)
	if err != nil {
		return nil, err
	}
	m, err := newMatcher(rules)
	if err != nil {
		return nil, err
	}
	q, rec, err := openQueue(dir, cfg.segmentSize, cfg.log)
	if err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg, rules: byName, matcher: m, q: q, stop: make(chan struct{}), shut: make(chan struct{}),
		syncKick: make(chan struct{}, 1), syncQuit: make(chan struct{}), syncDone: make(chan struct{})}
	if err := b.resume(rec); err != nil {
		_ = q.close(false)
		return nil, err
	}
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
	var stopPause context.CancelFunc
	b.pause, stopPause = context.WithCancel(context.Background())
	b.run, b.cancel = context.WithCancel(context.Background())
	go func() { <-b.stop; stopPause() }()
	go b.syncLoop()
	for _, l := range b.lanes {
		b.workers.Go(func() { b.serve(l) })
	}
}

// Publish routes evs, in order, to the targets of the rules they match, and
// returns once the deliveries are written to the durable queue (see the
// package doc for when the file is synced). It never waits for a subscriber. Should the
// queue's disk fail, it sends the deliveries straight to their targets'
// dead-letter queues, and logs that it did.
//
// It returns InvalidArgument for an event without an id or type (nothing is
// queued), and PublishFailed once the bus is closing or when neither the
// queue nor a dead-letter queue could take a delivery. After an error some
// deliveries may be queued; publishing the same events again is safe,
// since subscribers dedupe by event id.
func (b *Bus) Publish(ctx context.Context, evs []events.Event) error {
	es, err := b.route(evs)
	if err != nil {
		return err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return events.Errorf(events.CodePublishFailed, "localbus: the bus is closed")
	}
	if len(es) == 0 {
		return nil
	}
	if err := b.enqueue(es); err != nil {
		return b.deadLetterUnqueued(ctx, es, err)
	}
	return nil
}

// route encodes and matches every event before any is queued. Events that
// match no rule are left out.
func (b *Bus) route(evs []events.Event) ([]*entry, error) {
	var es []*entry
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
		if len(rules) == 0 {
			continue
		}
		en := &entry{queued: now, id: e.ID, event: data, routes: make([]route, len(rules))}
		for i, r := range rules {
			en.routes[i] = route{rule: r, target: b.rules[r].Target}
		}
		es = append(es, en)
	}
	return es, nil
}

func (b *Bus) encode(e events.Event, now time.Time) ([]byte, error) {
	be, err := Wrap(e, b.cfg.source, now)
	if err != nil {
		return nil, err
	}
	return marshal(be)
}

// Close stops accepting events, lets each target's worker deliver what is
// queued for as long as its deliveries succeed, records how far each got,
// and closes the queue. A delivery that fails while the bus closes is not
// retried: it stays queued, with everything after it, for the next New
// over the same directory. If ctx ends first, deliveries in flight are
// cancelled and stay queued too, and Close returns an error that wraps
// ctx.Err(). Close does not close targets. Calling it again waits again.
func (b *Bus) Close(ctx context.Context) error {
	b.closeOnce.Do(func() {
		b.mu.Lock() // waits for the Publish calls in flight
		b.closed = true
		b.mu.Unlock()
		close(b.stop)
		go func() {
			b.workers.Wait()
			err := b.recordProgress()
			close(b.syncQuit)
			<-b.syncDone
			b.shutErr = errors.Join(err, b.q.close(b.floor() == math.MaxUint64))
			b.cancel()
			close(b.shut)
		}()
	})
	select {
	case <-b.shut:
		return b.shutErr
	case <-ctx.Done():
		b.cancel()
		<-b.shut
		return errors.Join(fmt.Errorf("localbus: closed before the queues drained; the rest stays queued: %w", ctx.Err()), b.shutErr)
	}
}

func (b *Bus) isClosed() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.closed
}
