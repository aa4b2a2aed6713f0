package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

var fastRetry = Retry{Attempts: 4, Initial: 10 * time.Millisecond, Max: 40 * time.Millisecond, MaxAge: time.Hour}

func TestPublishDeliversEventBridgeShape(t *testing.T) {
	var rec recorder
	var raw []byte
	var mu sync.Mutex
	sub := Func(func(ctx context.Context, data []byte) error {
		mu.Lock()
		raw = data
		mu.Unlock()
		return rec.deliver(t)(ctx, data)
	})
	b, err := New(t.TempDir(), []Rule{{Name: "all", Pattern: []byte(`{"source":["stepfold.accounts"]}`), Target: "sub"}}, WithSource(bankSource),
		WithTarget("sub", sub, &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	e := event(3, "FundsWithdrawn", `{"amount":1234}`)
	if err := b.Publish(context.Background(), []events.Event{e}); err != nil {
		t.Fatal(err)
	}
	closeBus(t, b)
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(got))
	wantKeys := []string{"account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("keys = %v; want %v", keys, wantKeys)
	}
	want := map[string]any{"version": "0", "id": "acc-1:3", "detail-type": "FundsWithdrawn", "source": "stepfold.accounts",
		"account": "000000000000", "time": "2026-11-23T13:00:01Z", "region": "us-east-1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v; want %v", k, got[k], v)
		}
	}
	if rs, ok := got["resources"].([]any); !ok || len(rs) != 0 {
		t.Errorf("resources = %#v; want []", got["resources"])
	}
	var detail events.Event
	if err := json.Unmarshal(rec.events[0].Detail, &detail); err != nil || detail.ID != e.ID || string(detail.Data) != `{"amount":1234}` {
		t.Errorf("detail = %+v, %v; want the envelope of %s", detail, err, e.ID)
	}
}

func TestPublishKeepsOrderPerTarget(t *testing.T) {
	var rec recorder
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", rec.deliver(t), &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range history() {
		want = append(want, e.ID)
		if err := b.Publish(context.Background(), []events.Event{e}); err != nil {
			t.Fatal(err)
		}
	}
	closeBus(t, b)
	if got := rec.ids(); !slices.Equal(got, want) {
		t.Errorf("delivered %v; want %v", got, want)
	}
}

func TestPublishRejectsEventsWithoutID(t *testing.T) {
	var rec recorder
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", rec.deliver(t), &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	err = b.Publish(context.Background(), []events.Event{history()[0], {Type: "FundsDeposited"}})
	closeBus(t, b)
	if !errors.Is(err, events.ErrInvalidArgument) {
		t.Errorf("Publish = %v; want InvalidArgument", err)
	}
	if got := rec.ids(); len(got) != 0 {
		t.Errorf("delivered %v; want nothing from a rejected batch", got)
	}
}

func TestSubscriberErrorsAreRetriedThenDeadLettered(t *testing.T) {
	tests := []struct {
		name         string
		err          error
		wantAttempts int
	}{
		{"transient", errors.New("busy"), 4},
		{"permanent", Permanent(errors.New("cannot decode")), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			attempts := 0
			sub := Func(func(context.Context, []byte) error {
				mu.Lock()
				defer mu.Unlock()
				attempts++
				return tt.err
			})
			dlq, s := &memDLQ{}, &noSleep{}
			b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", sub, dlq), WithRetry(fastRetry), WithSleeper(s.sleep))
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Publish(context.Background(), history()[:1]); err != nil {
				t.Fatal(err)
			}
			drain(t, b)
			closeBus(t, b)
			if attempts != tt.wantAttempts || !slices.Equal(dlq.ids(t), []string{"acc-1:1"}) {
				t.Errorf("attempts %d, dead letters %v; want %d and [acc-1:1]", attempts, dlq.ids(t), tt.wantAttempts)
			}
		})
	}
}

func TestBackoffGrowsWithJitterAndStopsAtMaxAge(t *testing.T) {
	now := t0
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var waits []time.Duration
	sleeper := func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		now = now.Add(d)
		return nil
	}
	policy := Retry{Attempts: 100, Initial: time.Second, Max: 8 * time.Second, MaxAge: 20 * time.Second}
	dlq := &memDLQ{}
	failing := Func(func(context.Context, []byte) error { return errors.New("down") })
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", failing, dlq), WithRetry(policy), WithSleeper(sleeper), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()[:1]); err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	ceilings := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	var total time.Duration
	for i, w := range waits {
		if c := ceilings[min(i, len(ceilings)-1)]; w < c/2 || w > c {
			t.Errorf("wait %d = %v; want within [%v, %v]", i+1, w, c/2, c)
		}
		total += w
	}
	if len(waits) < 3 || total > policy.MaxAge {
		t.Errorf("waited %v in total over %d waits; want several, within max age %v", total, len(waits), policy.MaxAge)
	}
	if len(dlq.ids(t)) != 1 {
		t.Errorf("dead letters %v; want the event", dlq.ids(t))
	}
}

func TestCloseDrainsQueues(t *testing.T) {
	release := make(chan struct{})
	var rec recorder
	slow := Func(func(ctx context.Context, data []byte) error {
		<-release
		return rec.deliver(t)(ctx, data)
	})
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", slow, &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- b.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v before the queue drained", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := b.Publish(context.Background(), history()[:1]); !errors.Is(err, events.ErrPublishFailed) {
		t.Errorf("Publish while closing = %v; want PublishFailed", err)
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	if got := rec.ids(); len(got) != len(history()) {
		t.Errorf("delivered %v; want all %d events", got, len(history()))
	}
}

func TestCloseTimeoutLeavesTheRestQueued(t *testing.T) {
	started := make(chan struct{}, 1)
	stuck := Func(func(ctx context.Context, data []byte) error {
		select {
		case started <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return ctx.Err()
	})
	dir, dlq := t.TempDir(), &memDLQ{}
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", stuck, dlq))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := b.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v; want DeadlineExceeded", err)
	}
	if got := dlq.ids(t); len(got) != 0 {
		t.Errorf("dead letters %v; want none: what was not delivered stays queued", got)
	}
	if got := deliverQueued(t, dir); !slices.Equal(got, ids(history())) {
		t.Errorf("after the restart: delivered %v; want %v", got, ids(history()))
	}
}
