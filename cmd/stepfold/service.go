package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/local/apigateway"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/local/deadletter"
	"github.com/stepfold/stepfold/local/eventbus"
	"github.com/stepfold/stepfold/rules"
	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/statemachines/asl"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

// Files in a domain's data directory, data/<domain>/.
const (
	storeFile         = "events.db"
	readModelFile     = "readmodel.db"
	archiveFile       = "archive.jsonl"
	busQueueDir       = "bus-queue"
	republishQueueDir = "republish-queue"
)

// machineName is the name of a domain's state machine.
func machineName(domain string) string { return "stepfold-" + domain }

// functionARN is the local Lambda ARN of a domain's task
// (docs/architecture.md).
func functionARN(domain, task string) string {
	return "arn:aws:lambda:us-east-1:000000000000:function:stepfold-" + domain + "-" + task
}

// service is every part of one domain's local system: its files, bus,
// tasks, state machine and dead letters.
type service struct {
	d        domain
	info     events.Info
	dir      string
	store    *boltstore.Store // the event log, command ids and dead letters
	states   *boltstore.Store // the read model, unsynced: rebuilt from store
	queues   *deadletter.Queues
	rules    rules.Set
	targets  map[string]eventbus.Target
	closers  []func() error
	bus      *eventbus.Bus
	tasks    domainTasks
	def      []byte
	machine  *asl.Machine
	runner   *apigateway.Runner
	redriver *deadletter.Redriver
	api      *httpapi.Handler
}

// openService opens d's files in its directory under the data directory
// and builds its bus, tasks and state machine. Close it with close.
func openService(a *app, d domain) (*service, error) {
	info := d.info()
	s := &service{d: d, info: info, dir: filepath.Join(a.cfg.data, info.Name)}
	var err error
	if s.store, err = openStore(a.cfg.data, s.dir, boltstore.WithLogger(a.cfg.log)); err != nil {
		return nil, err
	}
	s.queues = deadletter.New(info.Name, s.store.DeadLetters())
	if s.states, err = boltstore.Open(filepath.Join(s.dir, readModelFile), boltstore.WithoutSync()); err != nil {
		_ = s.store.Close()
		return nil, err
	}
	if err := s.build(a); err != nil {
		_ = s.close(context.Background())
		return nil, err
	}
	return s, nil
}

func (s *service) build(a *app) error {
	if err := s.openBus(a.cfg); err != nil {
		return err
	}
	var pub events.Publisher = s.bus
	if a.cfg.publisher != nil {
		pub = a.cfg.publisher(pub)
	}
	var err error
	if s.tasks, err = s.d.tasks(s.store, s.states, pub); err != nil {
		return err
	}
	if err := s.openMachine(a); err != nil {
		return err
	}
	s.runner = apigateway.New(s.machine)
	ts := make(map[string]deadletter.Target, len(s.targets))
	for name, t := range s.targets {
		ts[name] = t
	}
	s.redriver = deadletter.NewRedriver(s.queues, s.runner, ts)
	s.api, err = httpapi.New(httpapi.Config{Info: s.info, Reader: s.tasks, Runner: s.runner, Check: s.d.check, Logger: a.cfg.log})
	return err
}

// openBus builds the targets and the bus that routes to them by the
// domain's rules.
func (s *service) openBus(cfg appConfig) error {
	text := s.info.Rules
	if t, ok := cfg.rules[s.info.Source]; ok {
		text = t
	}
	set, err := rules.Parse(text)
	if err != nil {
		return fmt.Errorf("%s rules: %w", s.info.Name, err)
	}
	s.rules = set
	if err := s.openTargets(cfg); err != nil {
		return err
	}
	opts := []eventbus.Option{eventbus.WithSource(set.Source), eventbus.WithLogger(cfg.log)}
	for name := range s.targets {
		opts = append(opts, s.busTarget(name)...)
	}
	s.bus, err = eventbus.New(filepath.Join(s.dir, busQueueDir), busRules(set), opts...)
	return err
}

// busTarget gives the bus the target called name, with its dead-letter
// queue and the retry policy of the rules file.
func (s *service) busTarget(name string) []eventbus.Option {
	r := eventbus.DefaultRetry()
	policy := s.rules.Retry(name)
	r.Attempts, r.MaxAge = policy.RetryAttempts+1, policy.MaxEventAge
	return []eventbus.Option{
		eventbus.WithTarget(name, s.targets[name], s.queues.Queue(deadletter.BusQueue(name))),
		eventbus.WithTargetRetry(name, r),
	}
}

func busRules(set rules.Set) []eventbus.Rule {
	out := make([]eventbus.Rule, 0, len(set.Rules))
	for _, r := range set.Rules {
		out = append(out, eventbus.Rule{Name: r.Name, Pattern: r.EventPattern, Target: r.Target})
	}
	return out
}

// openTargets opens the target of every rule: a webhook from the
// configuration, the archive, or an in-process target the domain brings.
func (s *service) openTargets(cfg appConfig) error {
	s.targets = map[string]eventbus.Target{}
	for _, r := range s.rules.Rules {
		if _, ok := s.targets[r.Target]; ok {
			continue
		}
		if err := s.openTarget(cfg, r.Target); err != nil {
			return fmt.Errorf("%s rule %s: %w", s.info.Name, r.Name, err)
		}
	}
	return nil
}

func (s *service) openTarget(cfg appConfig, name string) error {
	if url, ok := cfg.webhooks[name]; ok {
		w, err := eventbus.NewWebhook(url, nil)
		if err != nil {
			return err
		}
		s.targets[name] = w
		return nil
	}
	if s.rules.IsArchive(name) {
		return s.openArchive(name)
	}
	t, closer, ok, err := s.d.target(name, targetEnv{store: s.store, dir: s.dir, log: cfg.log})
	switch {
	case err != nil:
		return err
	case !ok:
		return fmt.Errorf("target %q is neither an archive, a target of domain %s nor a webhook; set %s=<url>", name, s.info.Name, webhookEnv(name))
	}
	s.closers = append(s.closers, closer)
	s.targets[name] = t
	return nil
}

func webhookEnv(target string) string {
	return "STEPFOLD_WEBHOOK_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(target))
}

// openArchive opens the archive target called name: archive.jsonl for the
// target "archive", <name>.jsonl for any other.
func (s *service) openArchive(name string) error {
	ar, err := eventbus.OpenArchive(filepath.Join(s.dir, archivePath(name)))
	if err != nil {
		return err
	}
	s.closers = append(s.closers, ar.Close)
	s.targets[name] = ar
	return nil
}

// archivePath is the file of the archive target called name.
func archivePath(name string) string {
	if name == rules.DefaultArchive {
		return archiveFile
	}
	return name + ".jsonl"
}

// openMachine loads the pipeline definition as the domain's state machine,
// with the tasks registered under their local Lambda ARNs and the
// dead-letter queue as its SQS.
func (s *service) openMachine(a *app) error {
	text, err := statemachines.Files.ReadFile(statemachines.Pipeline)
	if err != nil {
		return err
	}
	subs := map[string]string{tasks.DeadLetterSubstitution: deadletter.QueueURL(s.info.Name)}
	pools := map[string]func() asl.Invoker{}
	for _, st := range tasks.Steps() {
		if st.Substitution == "" {
			continue
		}
		arn := functionARN(s.info.Name, st.Name)
		subs[st.Substitution] = arn
		h, err := lambdafn.Task(st.Name, s.tasks)
		if err != nil {
			return err
		}
		pools[arn] = func() asl.Invoker { return h }
	}
	def, err := asl.Parse(text, subs)
	if err != nil {
		return err
	}
	s.def = def.Text()
	a.reg.FunctionPools(pools)
	a.queues[deadletter.QueueURL(s.info.Name)] = s.queues
	opts := []asl.Option{asl.WithName(machineName(s.info.Name)), asl.WithResources(a.reg), asl.WithStore(a.recent)}
	if a.cfg.clock != nil {
		opts = append(opts, asl.WithClock(a.cfg.clock))
	}
	s.machine, err = asl.New(def, opts...)
	return err
}

// close lets running executions finish, drains the bus and closes the
// stores, in that order, so nothing acknowledged is lost.
func (s *service) close(ctx context.Context) error {
	var errs []error
	if s.machine != nil {
		errs = append(errs, s.machine.Close())
	}
	if s.bus != nil {
		errs = append(errs, s.bus.Close(ctx))
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	if s.states != nil {
		errs = append(errs, s.states.Close())
	}
	errs = append(errs, s.store.Close())
	return errors.Join(errs...)
}

// targetNames lists the bus targets, sorted.
func (s *service) targetNames() []string {
	names := make([]string, 0, len(s.targets))
	for n := range s.targets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// openStore opens a domain's bbolt file, or explains who holds the data
// directory, or how to repair the file's damaged log.
func openStore(data, dir string, opts ...boltstore.Option) (*boltstore.Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the data dir: %w", err)
	}
	s, err := boltstore.Open(filepath.Join(dir, storeFile), opts...)
	if err == nil {
		return s, nil
	}
	return nil, repairHint(data, heldBy(data, err))
}
