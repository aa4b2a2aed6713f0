package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/local/deadletter"
	"github.com/stepfold/stepfold/local/executions"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// serverFile, in the data directory, says which server holds it.
const serverFile = "server.json"

// appConfig says where the data lives and which webhooks to call.
type appConfig struct {
	data     string
	domains  []domain          // nil means builtin()
	webhooks map[string]string // bus target name -> URL
	rules    map[string][]byte // rules files that replace a domain's, by their source
	history  int               // executions kept for the API and console
	log      *slog.Logger
	// clock drives the state machine's retry delays; nil is the wall clock.
	clock asl.Clock
	// publisher, if set, wraps the bus as the tasks see it (tests inject
	// failures with it).
	publisher func(events.Publisher) events.Publisher
}

// app is every part of the local system, wired together: one service per
// domain, and the executions every state machine records.
type app struct {
	cfg      appConfig
	recent   *executions.Recent
	reg      *asl.Registry // every domain's tasks, and their dead-letter queues as SQS
	queues   queueURLs
	services []*service
	dlq      *deadletter.Set
}

// queueURLs is the local SQS of the state machines: each domain's
// dead-letter queues by their URL.
type queueURLs map[string]*deadletter.Queues

// SendMessage implements asl.SQSSender.
func (q queueURLs) SendMessage(ctx context.Context, url, body string) (string, error) {
	qs, ok := q[url]
	if !ok {
		return "", events.Errorf(events.CodeInvalidArgument, "no local queue has the URL %s", url)
	}
	return qs.SendMessage(ctx, url, body)
}

// testOpts is what the Step Functions API's TestState runs a state with:
// every domain's tasks and queues.
func (a *app) testOpts() []asl.Option {
	opts := []asl.Option{asl.WithResources(a.reg)}
	if a.cfg.clock != nil {
		opts = append(opts, asl.WithClock(a.cfg.clock))
	}
	return opts
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

// openApp opens every domain's service. Close it with close.
func openApp(cfg appConfig) (*app, error) {
	if cfg.domains == nil {
		cfg.domains = builtin()
	}
	a := &app{cfg: cfg, reg: asl.NewRegistry(), queues: queueURLs{}}
	a.reg.SQS(a.queues)
	var err error
	if a.recent, err = executions.New(cfg.history); err != nil {
		return nil, err
	}
	redrivers := make([]*deadletter.Redriver, 0, len(cfg.domains))
	for _, d := range cfg.domains {
		s, err := openService(a, d)
		if err != nil {
			_ = a.close(context.Background())
			return nil, err
		}
		a.services = append(a.services, s)
		redrivers = append(redrivers, s.redriver)
	}
	if err := a.checkRules(); err != nil {
		_ = a.close(context.Background())
		return nil, err
	}
	a.dlq = deadletter.NewSet(redrivers...)
	return a, nil
}

// checkRules refuses a rules file given for a source no domain has.
func (a *app) checkRules() error {
	for source := range a.cfg.rules {
		if a.bySource(source) == nil {
			return fmt.Errorf("--rules: the file's source is %q, which no domain publishes", source)
		}
	}
	return nil
}

func (a *app) bySource(source string) *service {
	for _, s := range a.services {
		if s.info.Source == source {
			return s
		}
	}
	return nil
}

// service returns the service of the named domain, or nil.
func (a *app) service(name string) *service {
	for _, s := range a.services {
		if s.info.Name == name {
			return s
		}
	}
	return nil
}

// close closes every service, each letting its executions finish and its
// bus drain before its store closes, so nothing acknowledged is lost.
func (a *app) close(ctx context.Context) error {
	var errs []error
	for _, s := range a.services {
		errs = append(errs, s.close(ctx))
	}
	return errors.Join(errs...)
}
