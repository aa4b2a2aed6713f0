package eventbus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// manyEvents returns n events over accounts, in publish order for each
// account.
func manyEvents(n, accounts int) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		acc := fmt.Sprintf("acc-%d", i%accounts)
		v := int64(i/accounts + 1)
		out[i] = events.Event{ID: events.EventID(acc, v), Stream: acc, Version: v, Type: "FundsDeposited",
			SchemaVersion: 1, OccurredAt: t0, CommandID: fmt.Sprintf("c-%d", i), Data: []byte(`{"amount":1}`)}
	}
	return out
}

// publishAll publishes evs one per call from goroutines, as concurrent
// commands do, each call under its own deadline. Goroutine g publishes the
// events at g, g+goroutines and so on: with manyEvents over a multiple of
// goroutines accounts, each account's events come from one goroutine, in
// order.
func publishAll(t *testing.T, b *Bus, evs []events.Event, goroutines int) {
	t.Helper()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := g; i < len(evs); i += goroutines {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a hang guard
				err := b.Publish(ctx, evs[i:i+1])
				cancel()
				if err != nil {
					t.Errorf("Publish %s: %v", evs[i].ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// gate is a target that fails, or blocks, until it is opened, and then
// records what it gets.
type gate struct {
	rec    recorder
	open   atomic.Bool
	block  bool // block rather than fail while closed
	opened chan struct{}
	fails  atomic.Int64
}

func newGate(block bool) *gate { return &gate{block: block, opened: make(chan struct{})} }

func (g *gate) let() { g.open.Store(true); close(g.opened) }

func (g *gate) target(t *testing.T) Func {
	return func(ctx context.Context, data []byte) error {
		if !g.open.Load() {
			if !g.block {
				g.fails.Add(1)
				return errors.New("down")
			}
			select {
			case <-g.opened:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return g.rec.deliver(t)(ctx, data)
	}
}

// checkOncePerID wants every published id delivered exactly once or
// dead-lettered, and nothing else.
func checkOncePerID(t *testing.T, published, delivered, deadLettered []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range delivered {
		seen[id]++
	}
	for _, id := range deadLettered {
		seen[id] += 1000
	}
	for _, id := range published {
		switch n := seen[id]; {
		case n == 0:
			t.Errorf("event %s was neither delivered nor dead-lettered", id)
		case n != 1 && n != 1000:
			t.Errorf("event %s was delivered %d times and dead-lettered %d times", id, n%1000, n/1000)
		}
		delete(seen, id)
	}
	for id := range seen {
		t.Errorf("event %s was delivered or dead-lettered but never published", id)
	}
}

// inOrder wants the ids of each account in version order.
func inOrder(t *testing.T, delivered []string) {
	t.Helper()
	last := map[string]int{}
	for _, id := range delivered {
		acc, v, _ := strings.Cut(id, ":")
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("event id %q", id)
		}
		if prev := last[acc]; prev > n {
			t.Errorf("%s was delivered after version %d", id, prev)
		}
		last[acc] = n
	}
}

// TestPublishDoesNotWaitForAStuckTarget publishes three times as many
// events as a target's in-memory queue once held, from 64 goroutines, to a
// target that blocks on every delivery. Every Publish returns; the
// deliveries wait on disk, and reach the target in order once it answers.
func TestPublishDoesNotWaitForAStuckTarget(t *testing.T) {
	g := newGate(true)
	dir := t.TempDir()
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	evs := manyEvents(3*1024, 64)
	publishAll(t, b, evs, 64)
	if n := queueBytes(t, dir); n < int64(len(evs))*200 {
		t.Errorf("the queue holds %d bytes for %d events; want them on disk", n, len(evs))
	}
	g.let()
	drain(t, b)
	closeBus(t, b)
	got := g.rec.ids()
	checkOncePerID(t, ids(evs), got, nil)
	inOrder(t, got)
}

// queueBytes is the size of the queue's segment files.
func queueBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	for _, f := range segmentFiles(t, dir) {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// segmentFiles lists the queue's segment files.
func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"+segmentSuffix))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestNothingLostWhenTheTargetComesBack has a target fail its first 10
// deliveries with a policy of 4 attempts: the first two events are
// dead-lettered after 4 attempts each, the rest are delivered once each,
// in order, and the waits come from a virtual clock.
func TestNothingLostWhenTheTargetComesBack(t *testing.T) {
	var calls atomic.Int64
	var rec recorder
	flaky := Func(func(ctx context.Context, data []byte) error {
		if calls.Add(1) <= 10 {
			return errors.New("down")
		}
		return rec.deliver(t)(ctx, data)
	})
	dlq, clock := &memDLQ{}, newVirtualClock()
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", flaky, dlq),
		WithRetry(Retry{Attempts: 4, Initial: time.Second, Max: time.Minute, MaxAge: time.Hour}),
		WithClock(clock.now), WithSleeper(clock.sleep))
	if err != nil {
		t.Fatal(err)
	}
	evs := manyEvents(500, 7)
	publishAll(t, b, evs, 1)
	drain(t, b)
	closeBus(t, b)
	checkOncePerID(t, ids(evs), rec.ids(), dlq.ids(t))
	if got := dlq.ids(t); !slices.Equal(got, ids(evs[:2])) {
		t.Errorf("dead letters %v; want the first two events, after 4 attempts each", got)
	}
	inOrder(t, rec.ids())
}

// virtualClock is a clock that the bus's waits move forward.
type virtualClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newVirtualClock() *virtualClock { return &virtualClock{t: t0} }

func (c *virtualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *virtualClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

func (c *virtualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRestartDeliversWhatWasQueued stops the bus while its target is down,
// twice, publishing before each stop, and brings the target back after the
// second restart: every event is delivered exactly once (a graceful stop
// records how far the target got), in order.
func TestRestartDeliversWhatWasQueued(t *testing.T) {
	dir, dlq := t.TempDir(), &memDLQ{}
	evs := manyEvents(600, 8)
	g := newGate(false)
	var rec recorder
	for i, part := range [][]events.Event{evs[:200], evs[200:400], evs[400:]} {
		b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), dlq), withSegmentSize(4<<10))
		if err != nil {
			t.Fatal(err)
		}
		publishAll(t, b, part, 8)
		if i == 2 {
			g.let()
			drain(t, b)
		}
		closeBus(t, b)
		if i < 2 && len(g.rec.ids()) > 0 {
			t.Fatalf("the target got %v while it was down", g.rec.ids())
		}
	}
	checkOncePerID(t, ids(evs), g.rec.ids(), dlq.ids(t))
	inOrder(t, g.rec.ids())
	if len(dlq.ids(t)) != 0 || len(rec.ids()) != 0 {
		t.Errorf("dead letters %v; want none", dlq.ids(t))
	}
	if n := queueBytes(t, dir); n != 0 {
		t.Errorf("the queue still holds %d bytes after everything was delivered and the bus closed", n)
	}
}

// TestCrashLosesNothingPublished copies the queue's directory while the bus
// runs, once every Publish has returned and with the target stuck after 300
// deliveries: the copy is what a kill -9 leaves. A bus opened over the copy
// delivers the rest; an event may come twice, none may be missing.
func TestCrashLosesNothingPublished(t *testing.T) {
	dir := t.TempDir()
	var (
		mu    sync.Mutex
		first []string
	)
	stuck := make(chan struct{})
	target := Func(func(ctx context.Context, data []byte) error {
		mu.Lock()
		if len(first) == 300 {
			mu.Unlock()
			select {
			case <-stuck:
			case <-ctx.Done():
			}
			return errors.New("stuck")
		}
		defer mu.Unlock()
		first = append(first, decodeEvent(t, data).ID)
		return nil
	})
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", target, &memDLQ{}), withSegmentSize(8<<10))
	if err != nil {
		t.Fatal(err)
	}
	evs := manyEvents(1000, 16)
	publishAll(t, b, evs, 16)
	for {
		mu.Lock()
		n := len(first)
		mu.Unlock()
		if n == 300 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	crashed := copyDir(t, dir)
	close(stuck)
	closeBus(t, b)

	after := deliverQueued(t, crashed)
	got := map[string]bool{}
	for _, id := range append(first, after...) {
		got[id] = true
	}
	for _, e := range evs {
		if !got[e.ID] {
			t.Errorf("event %s was published but never delivered, before or after the crash", e.ID)
		}
	}
	if len(after) < 700 {
		t.Errorf("the restart delivered %d events; want at least the 700 the target had not taken", len(after))
	}
	t.Logf("300 delivered before the crash, %d after the restart (%d again)", len(after), len(after)-700)
}

// TestOpenCutsATornTailAndRefusesDamage leaves 20 deliveries queued, then
// damages the end or the middle of the log as a machine crash or a bad
// disk would. A record cut short, or zeros, at the end were never synced:
// they are dropped with a warning and the 20 are delivered. A bad record
// with more after it stops New with an error that names the file and the
// offset.
func TestOpenCutsATornTailAndRefusesDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage func(data []byte) []byte
		torn   bool
	}{
		{"half a record", func(d []byte) []byte { return append(d, appendDone(nil, "archive", 99)[:10]...) }, true},
		{"zeros", func(d []byte) []byte { return append(d, make([]byte, 4096)...) }, true},
		{"a length past the end", func(d []byte) []byte { return append(d, 0xff, 0xff, 0, 0, 1, 2, 3, 4, 5) }, true},
		{"a flipped byte in the middle", func(d []byte) []byte { d[len(d)/2] ^= 0x40; return d }, false},
		{"a flipped byte in the first record", func(d []byte) []byte { d[12] ^= 0x01; return d }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			g := newGate(false)
			b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), &memDLQ{}))
			if err != nil {
				t.Fatal(err)
			}
			evs := manyEvents(20, 4)
			publishAll(t, b, evs, 1)
			closeBus(t, b)
			files := segmentFiles(t, dir)
			if len(files) != 1 {
				t.Fatalf("segments %v; want one", files)
			}
			data, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(files[0], tt.damage(data), 0o644); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			var mu sync.Mutex
			log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
			g.let()
			b, err = New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), &memDLQ{}), WithLogger(log))
			if !tt.torn {
				if !errors.Is(err, events.ErrStoreUnavailable) || !strings.Contains(err.Error(), files[0]) || !strings.Contains(err.Error(), "damaged at offset") {
					t.Fatalf("New over a damaged queue = %v; want StoreUnavailable naming %s and the offset", err, files[0])
				}
				t.Logf("New: %v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			drain(t, b)
			closeBus(t, b)
			checkOncePerID(t, ids(evs), g.rec.ids(), nil)
			mu.Lock()
			defer mu.Unlock()
			if !bytes.Contains(logs.Bytes(), []byte("cut short by a crash")) || !bytes.Contains(logs.Bytes(), []byte(files[0])) {
				t.Errorf("no warning names the torn segment:\n%s", logs.String())
			}
		})
	}
}

// deliverQueued opens a bus over the queue in dir, with a target that
// takes everything, lets it deliver what is queued and returns the ids it
// delivered.
func deliverQueued(t *testing.T, dir string) []string {
	t.Helper()
	var rec recorder
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", rec.deliver(t), &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	return rec.ids()
}

// copyDir copies the files of dir, as they are now, to a new directory.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		data, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, de.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// TestRetryPolicyPerTarget runs two failing targets, one with EventBridge's
// default policy and one with 2 retries, on a virtual clock: each event is
// tried 186 and 3 times, then dead-lettered, and the default's waits stay
// within its 24 hours.
func TestRetryPolicyPerTarget(t *testing.T) {
	var mu sync.Mutex
	attempts := map[string]int{}
	failing := func(name string) Func {
		return func(context.Context, []byte) error {
			mu.Lock()
			defer mu.Unlock()
			attempts[name]++
			return errors.New("down")
		}
	}
	clock := newVirtualClock()
	dlqs := map[string]*memDLQ{"notify": {}, "archive": {}}
	b, err := New(t.TempDir(), realRules(t), WithSource(bankSource),
		WithTarget("notify", failing("notify"), dlqs["notify"]), WithTarget("archive", failing("archive"), dlqs["archive"]),
		WithTargetRetry("notify", Retry{Attempts: 3, Initial: time.Second, Max: time.Minute, MaxAge: 24 * time.Hour}),
		WithClock(clock.now), WithSleeper(clock.sleep))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()[2:3]); err != nil { // a withdrawal: both rules
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	if attempts["notify"] != 3 || attempts["archive"] != 186 {
		t.Errorf("attempts %v; want notify 3 and archive 186", attempts)
	}
	for name, q := range dlqs {
		if got := q.ids(t); !slices.Equal(got, []string{"acc-1:3"}) {
			t.Errorf("%s dead letters %v; want [acc-1:3]", name, got)
		}
	}
	if d := clock.now().Sub(t0); d > 24*time.Hour {
		t.Errorf("the retries took %v of virtual time; the default policy allows 24h", d)
	}
}

// TestEventPastMaxAgeIsDeadLetteredWithoutAttempt restarts the bus after
// its event has waited longer than the target's maximum event age: the
// event goes to the dead-letter queue, and the target never sees it.
func TestEventPastMaxAgeIsDeadLetteredWithoutAttempt(t *testing.T) {
	dir, dlq, clock := t.TempDir(), &memDLQ{}, newVirtualClock()
	policy := Retry{Attempts: 100, Initial: time.Second, Max: time.Minute, MaxAge: 2 * time.Hour}
	g := newGate(false)
	untilStop := func(ctx context.Context, _ time.Duration) error { <-ctx.Done(); return ctx.Err() }
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), dlq), WithRetry(policy),
		WithClock(clock.now), WithSleeper(untilStop))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()[:1]); err != nil {
		t.Fatal(err)
	}
	for g.fails.Load() == 0 { // the first attempt has failed; the bus waits to retry
		time.Sleep(time.Millisecond)
	}
	closeBus(t, b)
	if got := dlq.ids(t); len(got) != 0 || g.fails.Load() != 1 {
		t.Fatalf("dead letters %v after %d attempts and a stop; want the event still queued after one", got, g.fails.Load())
	}
	clock.advance(3 * time.Hour)
	g.let()
	b, err = New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), dlq), WithRetry(policy),
		WithClock(clock.now), WithSleeper(clock.sleep))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	if got := dlq.ids(t); !slices.Equal(got, []string{"acc-1:1"}) || len(g.rec.ids()) != 0 || g.fails.Load() != 1 {
		t.Errorf("dead letters %v, delivered %v; want the event dead-lettered without another attempt", got, g.rec.ids())
	}
}

// TestQueueWriteFailureDeadLetters breaks the queue's file under the bus:
// Publish still returns, with each event in its target's dead-letter queue
// and an error in the log that says so.
func TestQueueWriteFailureDeadLetters(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	dlq := &memDLQ{}
	g := newGate(false)
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), dlq), WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.q.f.Close(); err != nil { // the disk goes away
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()[:2]); err != nil {
		t.Fatalf("Publish with a broken queue = %v; want the events dead-lettered instead", err)
	}
	if err := b.Close(context.Background()); err == nil {
		t.Error("Close of a broken queue reported no error")
	}
	if got := dlq.ids(t); !slices.Equal(got, ids(history()[:2])) {
		t.Errorf("dead letters %v; want both events", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := bytes.Count(logs.Bytes(), []byte("the queue cannot be written; event dead-lettered instead of queued")); n != 2 {
		t.Errorf("%d log lines say why the events were dead-lettered; want 2:\n%s", n, logs.String())
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestSegmentsAreRemovedOnceDone publishes across many small segments:
// while the target is down they pile up, and once it has everything only
// the segment being written is left.
func TestSegmentsAreRemovedOnceDone(t *testing.T) {
	dir := t.TempDir()
	g := newGate(true)
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), &memDLQ{}), withSegmentSize(2<<10))
	if err != nil {
		t.Fatal(err)
	}
	publishAll(t, b, manyEvents(300, 5), 4)
	if n := len(segmentFiles(t, dir)); n < 20 {
		t.Errorf("%d segments hold 300 events of about 500 bytes in 2 KiB segments; want them all kept", n)
	}
	g.let()
	drain(t, b)
	if err := b.Publish(context.Background(), history()[:1]); err != nil { // a commit collects
		t.Fatal(err)
	}
	drain(t, b)
	if n := len(segmentFiles(t, dir)); n > 2 {
		t.Errorf("%d segments left once the target has everything; want at most 2", n)
	}
	closeBus(t, b)
}

// TestSeqsGoOnPastRecordedProgress opens a queue whose only segment holds
// a target's progress, as when the segments with its deliveries were
// removed: new events get seqs past that progress, and are delivered.
func TestSeqsGoOnPastRecordedProgress(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "0000000000000007"+segmentSuffix), appendDone(nil, "archive", 20), 0o644); err != nil {
		t.Fatal(err)
	}
	var rec recorder
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", rec.deliver(t), &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()[:1]); err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	if got := rec.ids(); !slices.Equal(got, []string{"acc-1:1"}) {
		t.Errorf("delivered %v; want [acc-1:1]", got)
	}
}

// TestSegmentsOfUndeliveredRecordsStay rotates the log at every write while
// the target is stuck: each segment holds a record the target has not
// taken, so none may go, and a bus over a copy of the directory (what a
// crash leaves) delivers all five.
func TestSegmentsOfUndeliveredRecordsStay(t *testing.T) {
	dir := t.TempDir()
	g := newGate(true)
	b, err := New(dir, realRules(t)[1:], WithSource(bankSource), WithTarget("archive", g.target(t), &memDLQ{}), withSegmentSize(1))
	if err != nil {
		t.Fatal(err)
	}
	publishAll(t, b, history()[:5], 1)
	crashed := copyDir(t, dir)
	g.let()
	drain(t, b)
	closeBus(t, b)
	if got := deliverQueued(t, crashed); !slices.Equal(got, ids(history()[:5])) {
		t.Errorf("after the crash: delivered %v; want %v", got, ids(history()[:5]))
	}
}
