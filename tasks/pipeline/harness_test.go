package pipeline_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/statemachines/asl"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

// The local values of the definition substitutions, from docs/architecture.md.
const (
	arnPrefix = "arn:aws:lambda:us-east-1:000000000000:function:stepfold-"
	dlqURL    = "http://127.0.0.1/000000000000/stepfold-account-dlq"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// virtualClock runs retry delays at once: Sleep moves the time on and
// returns. Timeouts never fire; the tasks here finish at once.
type virtualClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration // every delay asked for, in order
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(max(d, 0))
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return nil
}

// delays returns the delays asked for so far.
func (c *virtualClock) delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

func (c *virtualClock) WithTimeout(ctx context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}

// realDelays is the wall clock whose timeouts never fire. Retry delays
// take their real time, so that they spread retries apart as they do on
// AWS; a task slowed down by the race detector on a loaded machine is not
// timed out, since the tests that use it are about conflicts.
type realDelays struct{}

func (realDelays) Now() time.Time { return time.Now() }

func (realDelays) Sleep(ctx context.Context, d time.Duration) error {
	return asl.SystemClock{}.Sleep(ctx, d)
}

func (realDelays) WithTimeout(ctx context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}

// dlq puts the bbolt dead-letter queue behind the interpreter's SQS
// interface, for the one queue URL of the definition.
type dlq struct{ q events.DeadLetters }

func (d dlq) SendMessage(ctx context.Context, url, body string) (string, error) {
	if url != dlqURL {
		return "", &asl.Error{Name: "SQS.QueueDoesNotExistException", Cause: "no queue " + url}
	}
	return d.q.Send(ctx, body)
}

// ports are what the tasks run on; a test wraps them to inject failures.
type ports struct {
	store  events.EventStore
	states events.StateStore
	pub    events.Publisher
}

// harness is the account state machine on the interpreter, with the tasks
// in-process over a fresh bbolt store.
type harness struct {
	m     *asl.Machine
	store *boltstore.Store
	dlq   events.DeadLetters
	pub   *eventstest.Recorder
}

// newHarness builds the harness on a virtualClock; wrap, if not nil,
// replaces the ports the tasks see.
func newHarness(t *testing.T, wrap func(ports) ports) *harness {
	t.Helper()
	return newHarnessOn(t, &virtualClock{now: t0}, wrap)
}

// newHarnessOn builds the harness with the state machine on clock.
func newHarnessOn(t *testing.T, clock asl.Clock, wrap func(ports) ports) *harness {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "stepfold.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	h := &harness{store: st, dlq: st.DeadLetters(), pub: &eventstest.Recorder{}}
	p := ports{store: st, states: st, pub: h.pub}
	if wrap != nil {
		p = wrap(p)
	}
	svc, err := tasks.New(account.Domain{}, p.store, p.states, p.pub, tasks.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	h.m = newMachine(t, "account", svc, h.dlq, clock)
	return h
}

// newMachine loads the pipeline definition as domain's state machine, with
// the tasks of p registered by the task table under their local ARNs.
func newMachine(t *testing.T, domain string, p tasks.Pipeline, q events.DeadLetters, clock asl.Clock) *asl.Machine {
	t.Helper()
	text, err := statemachines.Files.ReadFile(statemachines.Pipeline)
	if err != nil {
		t.Fatal(err)
	}
	subs := map[string]string{tasks.DeadLetterSubstitution: dlqURL}
	pools := map[string]func() asl.Invoker{}
	for _, st := range tasks.Steps() {
		if st.Substitution == "" {
			continue
		}
		h, err := lambdafn.Task(st.Name, p)
		if err != nil {
			t.Fatal(err)
		}
		subs[st.Substitution] = arnPrefix + st.Name
		pools[arnPrefix+st.Name] = func() asl.Invoker { return h }
	}
	def, err := asl.Parse(text, subs)
	if err != nil {
		t.Fatalf("parse %s: %v", statemachines.Pipeline, err)
	}
	reg := asl.NewRegistry()
	reg.FunctionPools(pools)
	reg.SQS(dlq{q})
	m, err := asl.New(def, asl.WithName("stepfold-"+domain), asl.WithResources(reg), asl.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// run executes the state machine for c and returns the execution.
func (h *harness) run(t *testing.T, c any) *asl.Execution {
	t.Helper()
	in, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := h.m.StartSync(context.Background(), "", in)
	if err != nil {
		t.Fatalf("StartSync: %v", err)
	}
	return ex
}

// mustSucceed runs commands that must succeed.
func (h *harness) mustSucceed(t *testing.T, cmds ...any) {
	t.Helper()
	for _, c := range cmds {
		if ex := h.run(t, c); ex.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("%+v: %s %s %s", c, ex.Status, deref(ex.Error), deref(ex.Cause))
		}
	}
}

// scheduled counts, per task name (validate, persist, ...), the
// TaskScheduled events of the execution.
func (h *harness) scheduled(t *testing.T, ex *asl.Execution) map[string]int {
	t.Helper()
	hist, err := h.m.History(context.Background(), ex.ExecutionARN)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range hist {
		if e.Type != types.HistoryEventTypeTaskScheduled || e.TaskScheduledEventDetails == nil {
			continue
		}
		var p struct {
			FunctionName string
		}
		_ = json.Unmarshal([]byte(deref(e.TaskScheduledEventDetails.Parameters)), &p)
		name := strings.TrimPrefix(p.FunctionName, arnPrefix)
		if p.FunctionName == "" {
			name = deref(e.TaskScheduledEventDetails.ResourceType) + ":" + deref(e.TaskScheduledEventDetails.Resource)
		}
		n[name]++
	}
	return n
}

// log reads the whole log of account.
func (h *harness) log(t *testing.T, account string) []events.Event {
	t.Helper()
	evs, err := h.store.Read(context.Background(), account, 1, events.MaxReadLimit)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func (h *harness) letters(t *testing.T) []events.DeadLetter {
	t.Helper()
	ls, err := h.dlq.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// causeMessage reads the errorMessage out of a Lambda error cause.
func causeMessage(t *testing.T, cause string) (typ, msg string) {
	t.Helper()
	var c struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	}
	if err := json.Unmarshal([]byte(cause), &c); err != nil {
		t.Fatalf("cause %q is not a Lambda error document: %v", cause, err)
	}
	return c.Type, c.Message
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func open(acc, id string) account.Command {
	return account.Command{Type: account.OpenAccount, AccountID: acc, CommandID: id, Currency: "EUR"}
}

func deposit(acc, id string, amount int64) account.Command {
	return account.Command{Type: account.Deposit, AccountID: acc, CommandID: id, Amount: amount}
}

func withdraw(acc, id string, amount int64) account.Command {
	return account.Command{Type: account.Withdraw, AccountID: acc, CommandID: id, Amount: amount}
}

// types lists the types of evs, in order.
func typesOf(evs []events.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func sameTypes(got []events.Event, want ...string) bool {
	return slices.Equal(typesOf(got), want)
}

// account reads the read model's state of acc.
func (h *harness) account(t *testing.T, acc string) (account.State, error) {
	t.Helper()
	snap, err := h.store.Get(context.Background(), acc)
	if err != nil {
		return account.State{}, err
	}
	var s account.State
	if err := json.Unmarshal(snap.State, &s); err != nil {
		t.Fatalf("state of %s: %v", acc, err)
	}
	return s, nil
}
