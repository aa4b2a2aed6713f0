package asl

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// ExpressMaxDuration is the longest an Express execution may run.
const ExpressMaxDuration = 5 * time.Minute

// Execution describes one execution, in the shape of the Step Functions
// DescribeExecution and StartSyncExecution responses.
type Execution struct {
	ExecutionARN    string
	StateMachineARN string
	Name            string
	Status          types.ExecutionStatus // RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED
	Input           string                // JSON text
	Output          *string               // JSON text, when SUCCEEDED
	Error           *string               // error name, when the run failed with one
	Cause           *string               // error cause, when the run failed with one
	StartDate       time.Time
	StopDate        time.Time // zero while RUNNING
}

// Machine runs executions of one Definition. It is safe for concurrent use.
type Machine struct {
	def     *Definition
	cfg     config
	rand    *lockedRand
	express bool

	base    context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	workers *workers

	mu      sync.Mutex
	closed  bool
	running map[string]*pending

	// histSize is the length of the last finished run's history, to size
	// the next run's event log at once rather than by repeated growth.
	histSize atomic.Int64

	jsonata *jsonataFunctions // what JSONata evaluations run with
	// exprOpts caches each expression's options (*texpr to
	// []jsonata.Option): they depend on the machine, for $random and $uuid.
	exprOpts sync.Map
}

// pending is an asynchronous execution that has not been saved yet.
type pending struct {
	run  *run
	done chan struct{}
}

// New returns a Machine for def. Every Task resource in def must have a
// handler in the registry given with WithResources.
func New(def *Definition, opts ...Option) (*Machine, error) {
	if def == nil || def.root == nil {
		return nil, errors.New("asl: nil definition")
	}
	cfg := config{name: "StateMachine", region: "us-east-1", account: "000000000000", typ: Express, clock: SystemClock{}}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	m := &Machine{def: def, cfg: cfg, express: cfg.typ == Express, running: map[string]*pending{}}
	if m.cfg.src == nil {
		m.cfg.src = rand.NewPCG(rand.Uint64(), rand.Uint64())
	}
	m.rand = &lockedRand{r: rand.New(m.cfg.src)}
	if m.cfg.uuid == nil {
		m.cfg.uuid = m.rand.uuid
	}
	m.jsonata = m.jsonataFunctions()
	if m.cfg.store == nil {
		m.cfg.store = NewMemoryStore()
	}
	if err := m.checkResources(); err != nil {
		return nil, err
	}
	m.base, m.cancel = context.WithCancel(context.Background())
	m.workers = newWorkers(m.base.Done())
	return m, nil
}

// checkResources reports Task resources that no handler serves.
func (m *Machine) checkResources() error {
	missing := map[string]bool{}
	m.def.root.walk(func(st *state) {
		if t, ok := st.kind.(*taskState); ok && m.cfg.registry.lookup(t.resource) == nil {
			missing[t.resource] = true
		}
	})
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, 0, len(missing))
	for r := range missing {
		names = append(names, r)
	}
	sort.Strings(names)
	return fmt.Errorf("asl: no handler registered for Task resource(s) %s", strings.Join(names, ", "))
}

// walk calls f for every state of g, nested ones included.
func (g *graph) walk(f func(*state)) {
	for _, st := range g.states {
		f(st)
		switch k := st.kind.(type) {
		case *parallelState:
			for _, b := range k.branches {
				b.walk(f)
			}
		case *mapState:
			if k.processor != nil {
				k.processor.walk(f)
			}
		}
	}
}

// arn is the state machine ARN.
func (m *Machine) arn() string {
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", m.cfg.region, m.cfg.account, m.cfg.name)
}

// roleARN is the execution role.
func (m *Machine) roleARN() string {
	if m.cfg.role != "" {
		return m.cfg.role
	}
	return fmt.Sprintf("arn:aws:iam::%s:role/StepFunctionsRole", m.cfg.account)
}

// ARN returns the state machine ARN.
func (m *Machine) ARN() string { return m.arn() }

// newRun prepares an execution; an empty name gets a UUID.
func (m *Machine) newRun(name string, input []byte) (*run, error) {
	if name == "" {
		name = m.cfg.uuid()
	}
	if !namePattern.MatchString(name) {
		return nil, fmt.Errorf("asl: invalid execution name %q", name)
	}
	if len(input) > MaxPayloadSize {
		return nil, fmt.Errorf("asl: input of %d bytes exceeds the %d-byte limit", len(input), MaxPayloadSize)
	}
	if len(strings.TrimSpace(string(input))) == 0 {
		input = []byte("{}")
	}
	in, err := decodeJSON(input)
	if err != nil {
		return nil, fmt.Errorf("asl: invalid execution input: %w", err)
	}
	r := &run{m: m, clock: m.cfg.clock, name: name, input: in, hist: &history{events: make([]event, 0, max(16, m.histSize.Load()))}}
	r.start = r.clock.Now()
	r.arn = fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", m.cfg.region, m.cfg.account, m.cfg.name, name)
	if m.express {
		r.arn = fmt.Sprintf("arn:aws:states:%s:%s:express:%s:%s:%s", m.cfg.region, m.cfg.account, m.cfg.name, name, m.cfg.uuid())
	}
	return r, nil
}

// timeout is the execution time limit, 0 for none.
func (m *Machine) timeout() time.Duration {
	d := time.Duration(m.def.TimeoutSeconds) * time.Second
	if m.express && (d == 0 || d > ExpressMaxDuration) {
		d = ExpressMaxDuration
	}
	return d
}

// execute runs r to completion and saves it.
func (m *Machine) execute(ctx context.Context, r *run) *Execution {
	if d := m.timeout(); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = r.clock.WithTimeout(ctx, d)
		defer cancel()
	}
	fr := &frame{run: r, vars: &r.vars}
	fr.record(event{typ: types.HistoryEventTypeExecutionStarted, ts: r.start, input: r.input, hasInput: true})
	out, err := fr.runGraph(ctx, m.def.root, r.input)
	ex := r.finish(ctx, out, err)
	m.histSize.Store(min(r.hist.len(), 1024)) // bounded: one long run must not size them all
	// A store failure loses only the record; the caller still gets ex.
	_ = m.cfg.store.Save(context.WithoutCancel(ctx), ex, runHistory{h: r.hist, roleARN: m.roleARN(), region: m.cfg.region})
	return ex
}

// StartSync runs an execution to completion and returns its result, as
// StartSyncExecution does: a run that fails still returns a nil error, with
// Status FAILED or TIMED_OUT and Error and Cause set. The error is non-nil
// only when the execution could not start (invalid name or input, closed
// machine). An empty name gets a generated one.
func (m *Machine) StartSync(ctx context.Context, name string, input []byte) (*Execution, error) {
	r, err := m.newRun(name, input)
	if err != nil {
		return nil, err
	}
	if err := m.track(); err != nil {
		return nil, err
	}
	defer m.wg.Done()
	return m.execute(ctx, r), nil
}

// track counts an execution in, unless the machine is closed.
func (m *Machine) track() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.wg.Add(1)
	return nil
}

// StartExecution starts an execution in the background and returns its
// ARN at once. The run is independent of ctx's cancellation; Close stops it.
func (m *Machine) StartExecution(ctx context.Context, name string, input []byte) (string, error) {
	r, err := m.newRun(name, input)
	if err != nil {
		return "", err
	}
	p := &pending{run: r, done: make(chan struct{})}
	m.mu.Lock()
	if _, dup := m.running[r.arn]; dup {
		m.mu.Unlock()
		return "", ErrExecutionExists
	}
	m.running[r.arn] = p
	m.mu.Unlock()
	if err := m.track(); err != nil {
		m.forget(r.arn)
		return "", err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		defer m.wg.Done()
		defer stop()
		defer close(p.done)
		defer m.forget(r.arn)
		unhook := context.AfterFunc(m.base, stop)
		defer unhook()
		m.execute(runCtx, r)
	}()
	return r.arn, nil
}

// forget drops a finished asynchronous execution from the running set.
func (m *Machine) forget(arn string) {
	m.mu.Lock()
	delete(m.running, arn)
	m.mu.Unlock()
}

// Describe returns the execution's current description.
func (m *Machine) Describe(ctx context.Context, executionARN string) (*Execution, error) {
	m.mu.Lock()
	p, ok := m.running[executionARN]
	m.mu.Unlock()
	if ok {
		return p.run.describe(types.ExecutionStatusRunning), nil
	}
	ex, _, err := m.cfg.store.Load(ctx, executionARN)
	return ex, err
}

// Wait blocks until the execution has finished, or ctx is done, and returns
// its description.
func (m *Machine) Wait(ctx context.Context, executionARN string) (*Execution, error) {
	m.mu.Lock()
	p, ok := m.running[executionARN]
	m.mu.Unlock()
	if ok {
		select {
		case <-p.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return m.Describe(ctx, executionARN)
}

// History returns the execution's events so far, in AWS's shape.
func (m *Machine) History(ctx context.Context, executionARN string) ([]types.HistoryEvent, error) {
	m.mu.Lock()
	p, ok := m.running[executionARN]
	m.mu.Unlock()
	if ok {
		return p.run.hist.snapshot(m.roleARN()), nil
	}
	_, h, err := m.cfg.store.Load(ctx, executionARN)
	if err != nil {
		return nil, err
	}
	return h.Events(), nil
}

// Close stops accepting executions, aborts those running in the background
// and waits for every execution to end.
func (m *Machine) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.cancel()
	m.wg.Wait()
	return nil
}
