package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
	"github.com/stepfold/stepfold/events/localbus"
	"github.com/stepfold/stepfold/notify"
	"github.com/stepfold/stepfold/rules"
	"github.com/stepfold/stepfold/server/deadletter"
	"github.com/stepfold/stepfold/server/executions"
	"github.com/stepfold/stepfold/server/pipeline"
	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/statemachines/asl"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

// Files in the data directory.
const (
	storeFile         = "stepfold.db"
	readModelFile     = "readmodel.db"
	archiveFile       = "archive.jsonl"
	busQueueDir       = "bus-queue"
	republishQueueDir = "republish-queue"
	notificationsFile = "notifications.jsonl"
	serverFile        = "server.json"
)

// MachineName is the name of the account state machine locally.
const MachineName = "stepfold-account"

// functionARN is the local Lambda ARN of a task (docs/architecture.md).
func functionARN(task string) string {
	return "arn:aws:lambda:us-east-1:000000000000:function:stepfold-" + task
}

// appConfig says where the data lives and which webhooks to call.
type appConfig struct {
	data     string
	webhooks map[string]string // bus target name -> URL
	rules    []byte            // rules.json text; nil means the embedded one
	history  int               // executions kept for the API and console
	log      *slog.Logger
	// clock drives the state machine's retry delays; nil is the wall clock.
	clock asl.Clock
	// publisher, if set, wraps the bus as the tasks see it (tests inject
	// failures with it).
	publisher func(events.Publisher) events.Publisher
}

// app is every part of the local system, wired together.
type app struct {
	cfg      appConfig
	store    *boltstore.Store // the event log, command ids and dead letters
	states   *boltstore.Store // the read model, unsynced: rebuilt from store
	queues   *deadletter.Queues
	bus      *localbus.Bus
	rules    rules.Set
	targets  map[string]localbus.Target
	closers  []func() error
	svc      *tasks.Service
	def      []byte
	machine  *asl.Machine
	testOpts []asl.Option // what the Step Functions API's TestState runs a state with
	recent   *executions.Recent
	pipe     *pipeline.Pipeline
	redriver *deadletter.Redriver
}

// errInUse says a running server holds the data directory.
type errInUse struct {
	dir  string
	info serverInfo
}

func (e *errInUse) Error() string {
	return fmt.Sprintf("data dir %s in use by a running server (pid %d, %s)", e.dir, e.info.PID, e.info.Addr)
}

// serverInfo is server.json: who holds the data directory.
type serverInfo struct {
	PID  int    `json:"pid"`
	Addr string `json:"addr"`
}

// openStore opens the bbolt file, or explains who holds it, or how to
// repair its damaged log.
func openStore(dir string, opts ...boltstore.Option) (*boltstore.Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the data dir: %w", err)
	}
	s, err := boltstore.Open(filepath.Join(dir, storeFile), opts...)
	if err == nil {
		return s, nil
	}
	return nil, repairHint(dir, heldBy(dir, err))
}

// heldBy returns an *errInUse for a store that cannot be opened while
// server.json names a server, and err otherwise. A damaged log is not a
// sign of a server: a killed one leaves server.json behind.
func heldBy(dir string, err error) error {
	var c *boltstore.CorruptLogError
	if info, ok := readServerInfo(dir); ok && errors.Is(err, events.ErrStoreUnavailable) && !errors.As(err, &c) {
		return &errInUse{dir: dir, info: info}
	}
	return err
}

func readServerInfo(dir string) (serverInfo, bool) {
	var info serverInfo
	b, err := os.ReadFile(filepath.Join(dir, serverFile))
	if err != nil || json.Unmarshal(b, &info) != nil || info.Addr == "" {
		return serverInfo{}, false
	}
	return info, true
}

// openApp opens the store and builds the bus, the tasks and the state
// machine over it. Close it with close.
func openApp(cfg appConfig) (*app, error) {
	store, err := openStore(cfg.data, boltstore.WithLogger(cfg.log))
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, store: store, queues: deadletter.New(store.DeadLetters())}
	if a.states, err = boltstore.Open(filepath.Join(cfg.data, readModelFile), boltstore.WithoutSync()); err != nil {
		_ = store.Close()
		return nil, err
	}
	if err := a.build(); err != nil {
		_ = a.close(context.Background())
		return nil, err
	}
	return a, nil
}

func (a *app) build() error {
	if err := a.openBus(); err != nil {
		return err
	}
	var pub events.Publisher = a.bus
	if a.cfg.publisher != nil {
		pub = a.cfg.publisher(pub)
	}
	svc, err := tasks.New(a.store, a.states, pub)
	if err != nil {
		return err
	}
	a.svc = svc
	if err := a.openMachine(); err != nil {
		return err
	}
	a.pipe = pipeline.New(a.machine)
	ts := make(map[string]deadletter.Target, len(a.targets))
	for name, t := range a.targets {
		ts[name] = t
	}
	a.redriver = deadletter.NewRedriver(a.queues, a.pipe, ts)
	return nil
}

// openBus builds the targets and the bus that routes to them by the rules.
func (a *app) openBus() error {
	text := a.cfg.rules
	if text == nil {
		text = rules.File
	}
	set, err := rules.Parse(text)
	if err != nil {
		return err
	}
	a.rules = set
	if err := a.openTargets(set); err != nil {
		return err
	}
	opts := []localbus.Option{localbus.WithSource(set.Source), localbus.WithLogger(a.cfg.log)}
	for name := range a.targets {
		opts = append(opts, a.busTarget(name)...)
	}
	a.bus, err = localbus.New(filepath.Join(a.cfg.data, busQueueDir), busRules(set), opts...)
	return err
}

// busTarget gives the bus the target called name, with its dead-letter
// queue and the retry policy of the rules file.
func (a *app) busTarget(name string) []localbus.Option {
	r := localbus.DefaultRetry()
	policy := a.rules.Retry(name)
	r.Attempts, r.MaxAge = policy.RetryAttempts+1, policy.MaxEventAge
	return []localbus.Option{
		localbus.WithTarget(name, a.targets[name], a.queues.Queue(deadletter.BusQueue(name))),
		localbus.WithTargetRetry(name, r),
	}
}

func busRules(set rules.Set) []localbus.Rule {
	out := make([]localbus.Rule, 0, len(set.Rules))
	for _, r := range set.Rules {
		out = append(out, localbus.Rule{Name: r.Name, Pattern: r.EventPattern, Target: r.Target})
	}
	return out
}

// openTargets opens the target of every rule: the notifier, the archive,
// or a webhook from the configuration.
func (a *app) openTargets(set rules.Set) error {
	a.targets = map[string]localbus.Target{}
	for name := range a.cfg.webhooks {
		if err := a.openTarget(name); err != nil {
			return err
		}
	}
	for _, r := range set.Rules {
		if _, ok := a.targets[r.Target]; ok {
			continue
		}
		if err := a.openTarget(r.Target); err != nil {
			return fmt.Errorf("rule %s: %w", r.Name, err)
		}
	}
	return nil
}

func (a *app) openTarget(name string) error {
	if url, ok := a.cfg.webhooks[name]; ok {
		w, err := localbus.NewWebhook(url, nil)
		if err != nil {
			return err
		}
		a.targets[name] = w
		return nil
	}
	switch name {
	case "archive":
		return a.openArchive()
	case "notify":
		return a.openNotify()
	}
	return fmt.Errorf("target %q is neither notify, archive nor a webhook; set %s=<url>", name, webhookEnv(name))
}

func webhookEnv(target string) string {
	return "STEPFOLD_WEBHOOK_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(target))
}

func (a *app) openArchive() error {
	ar, err := localbus.OpenArchive(filepath.Join(a.cfg.data, archiveFile))
	if err != nil {
		return err
	}
	a.closers = append(a.closers, ar.Close)
	a.targets["archive"] = ar
	return nil
}

func (a *app) openNotify() error {
	path := filepath.Join(a.cfg.data, notificationsFile)
	seen, err := notify.SeenFromJSONL(path, 100000)
	if err != nil {
		return err
	}
	sink, err := notify.OpenJSONL(path)
	if err != nil {
		return err
	}
	a.closers = append(a.closers, sink.Close)
	h, err := notify.NewHandler(notify.FromEventLog(a.store), seen, sink)
	if err != nil {
		return err
	}
	a.targets["notify"] = localbus.Func(h.Handle)
	return nil
}

// openMachine loads the account state machine with the tasks registered
// under their local Lambda ARNs and the dead-letter queue as its SQS.
func (a *app) openMachine() error {
	text, err := statemachines.Files.ReadFile(statemachines.Account)
	if err != nil {
		return err
	}
	subs := map[string]string{"DeadLetterQueueUrl": deadletter.QueueURL}
	for _, t := range []string{"Validate", "Persist", "Publish", "Fold"} {
		subs[t+"FunctionArn"] = functionARN(strings.ToLower(t))
	}
	def, err := asl.Parse(text, subs)
	if err != nil {
		return err
	}
	a.def = def.Text()
	reg := asl.NewRegistry()
	reg.FunctionPools(map[string]func() asl.Invoker{
		functionARN("validate"): func() asl.Invoker { return lambdafn.Handler(a.svc.Validate) },
		functionARN("persist"):  func() asl.Invoker { return lambdafn.Handler(a.svc.Persist) },
		functionARN("publish"):  func() asl.Invoker { return lambdafn.Handler(a.svc.Publish) },
		functionARN("fold"):     func() asl.Invoker { return lambdafn.Handler(a.svc.Fold) },
	})
	reg.SQS(a.queues)
	if a.recent, err = executions.New(a.cfg.history); err != nil {
		return err
	}
	opts := []asl.Option{asl.WithName(MachineName), asl.WithResources(reg), asl.WithStore(a.recent)}
	a.testOpts = []asl.Option{asl.WithResources(reg)}
	if a.cfg.clock != nil {
		opts = append(opts, asl.WithClock(a.cfg.clock))
		a.testOpts = append(a.testOpts, asl.WithClock(a.cfg.clock))
	}
	a.machine, err = asl.New(def, opts...)
	return err
}

// close lets running executions finish, drains the bus and closes the
// store, in that order, so nothing acknowledged is lost.
func (a *app) close(ctx context.Context) error {
	var errs []error
	if a.machine != nil {
		errs = append(errs, a.machine.Close())
	}
	if a.bus != nil {
		errs = append(errs, a.bus.Close(ctx))
	}
	errs = append(errs, a.closeParts())
	return errors.Join(errs...)
}

// closeParts closes the targets and the store.
func (a *app) closeParts() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	errs = append(errs, a.states.Close(), a.store.Close())
	return errors.Join(errs...)
}

// targetNames lists the bus targets, sorted.
func (a *app) targetNames() []string {
	names := make([]string, 0, len(a.targets))
	for n := range a.targets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
