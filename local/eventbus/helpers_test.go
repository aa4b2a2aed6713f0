package eventbus

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/rules"
)

// memDLQ is an in-memory events.DeadLetters for the tests.
type memDLQ struct {
	mu   sync.Mutex
	msgs []events.DeadLetter
}

var _ events.DeadLetters = (*memDLQ)(nil)

func (q *memDLQ) Send(_ context.Context, body string) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := fmt.Sprintf("m-%d", len(q.msgs)+1)
	q.msgs = append(q.msgs, events.DeadLetter{ID: id, Body: body, Received: time.Now()})
	return id, nil
}

func (q *memDLQ) List(context.Context) ([]events.DeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]events.DeadLetter(nil), q.msgs...), nil
}

func (q *memDLQ) Get(_ context.Context, id string) (events.DeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range q.msgs {
		if m.ID == id {
			return m, nil
		}
	}
	return events.DeadLetter{}, events.Errorf(events.CodeInvalidArgument, "no message %s", id)
}

func (q *memDLQ) Delete(_ context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, m := range q.msgs {
		if m.ID == id {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			return nil
		}
	}
	return nil
}

// ids returns the ids of the dead-lettered bus events.
func (q *memDLQ) ids(t *testing.T) []string {
	t.Helper()
	msgs, _ := q.List(context.Background())
	var ids []string
	for _, m := range msgs {
		ids = append(ids, decodeEvent(t, []byte(m.Body)).ID)
	}
	return ids
}

// recorder is an in-process subscriber that keeps what it receives.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) deliver(t *testing.T) Func {
	return func(_ context.Context, data []byte) error {
		e := decodeEvent(t, data)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.events = append(r.events, e)
		return nil
	}
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, e := range r.events {
		ids = append(ids, e.ID)
	}
	return ids
}

func decodeEvent(t *testing.T, data []byte) Event {
	t.Helper()
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		t.Errorf("delivered event is not JSON: %v: %s", err, data)
	}
	return e
}

// realRules returns the bank's rules as bus rules.
// bankSource is the source of the bank's events, which its rules match.
const bankSource = "stepfold.accounts"

func realRules(t testing.TB) []Rule {
	t.Helper()
	set, err := rules.Parse(account.Domain{}.Info().Rules)
	if err != nil {
		t.Fatal(err)
	}
	var out []Rule
	for _, r := range set.Rules {
		out = append(out, Rule{Name: r.Name, Pattern: r.EventPattern, Target: r.Target})
	}
	return out
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// event returns the version-th event of account acc-1.
func event(version int64, typ string, data string) events.Event {
	return events.Event{
		ID: events.EventID("acc-1", version), Stream: "acc-1", Version: version, Type: typ,
		SchemaVersion: 1, OccurredAt: t0.Add(time.Duration(version) * time.Hour),
		RecordedAt: t0.Add(time.Duration(version)*time.Hour + time.Second),
		CommandID:  fmt.Sprintf("c-%d", version), Data: json.RawMessage(data),
	}
}

// history is an account's life: every event type once.
func history() []events.Event {
	return []events.Event{
		event(1, "AccountOpened", `{"currency":"EUR"}`),
		event(2, "FundsDeposited", `{"amount":1500}`),
		event(3, "FundsWithdrawn", `{"amount":1234}`),
		event(4, "TransactionReversed", `{"eventId":"acc-1:3","original":"FundsWithdrawn","delta":1234}`),
		event(5, "FundsWithdrawn", `{"amount":1500}`),
		event(6, "AccountClosed", `{}`),
	}
}

// noSleep records the waits instead of waiting.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *noSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func closeBus(t *testing.T, b *Bus) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// drain waits until every target is done with everything queued for it:
// delivered or dead-lettered, retries included.
func drain(t *testing.T, b *Bus) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a measure
	for !b.idle() {
		if time.Now().After(deadline) {
			t.Fatal("the bus did not finish its queue within 30s")
		}
		time.Sleep(time.Millisecond)
	}
}

// idle reports whether every target is done with everything committed.
func (b *Bus) idle() bool {
	for _, l := range b.lanes {
		if l.done.Load() < l.high.Load() {
			return false
		}
	}
	return true
}

// ids returns the ids of evs.
func ids(evs []events.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}
