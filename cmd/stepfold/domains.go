package main

import (
	"log/slog"
	"path/filepath"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/domains/account/notify"
	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/local/eventbus"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/rebuild"
)

// builtin lists the domains stepfold runs: the bank account, with its
// notifier, and the inventory. A domain of a team's own is one more line.
func builtin() []domain {
	return []domain{
		register(account.Domain{}, map[string]targetMaker{"notify": openNotify}),
		register(inventory.Domain{}, nil),
	}
}

// domain is one domain the local system runs; register makes one.
type domain interface {
	// info describes the domain.
	info() events.Info
	// check is the domain's strict reading of a command, for the HTTP API
	// to refuse a bad one before it runs.
	check(command []byte) error
	// tasks builds the domain's tasks over its ports.
	tasks(store events.EventStore, states events.StateStore, pub events.Publisher) (domainTasks, error)
	// target opens an in-process bus target the domain brings, if it
	// brings one of that name.
	target(name string, env targetEnv) (eventbus.Target, func() error, bool, error)
}

// domainTasks is what the local system uses of a domain's tasks: a
// *tasks.Service is each of them, whatever the domain.
type domainTasks interface {
	tasks.Pipeline
	httpapi.Reader
	rebuild.Folder
}

// targetEnv is what an in-process target may use.
type targetEnv struct {
	store events.EventStore // the domain's event log
	dir   string            // the domain's data directory
	log   *slog.Logger
}

// targetMaker opens an in-process bus target: the target, and what closes
// it.
type targetMaker func(env targetEnv) (eventbus.Target, func() error, error)

// registration is a domain and the in-process targets it brings.
type registration[S any, C events.Command] struct {
	d       events.Domain[S, C]
	targets map[string]targetMaker
}

// register makes a domain of d, with its in-process bus targets by name.
func register[S any, C events.Command](d events.Domain[S, C], targets map[string]targetMaker) domain {
	return registration[S, C]{d: d, targets: targets}
}

func (r registration[S, C]) info() events.Info { return r.d.Info() }

func (r registration[S, C]) tasks(store events.EventStore, states events.StateStore, pub events.Publisher) (domainTasks, error) {
	return tasks.New(r.d, store, states, pub)
}

func (r registration[S, C]) target(name string, env targetEnv) (eventbus.Target, func() error, bool, error) {
	open, ok := r.targets[name]
	if !ok {
		return nil, nil, false, nil
	}
	t, closer, err := open(env)
	return t, closer, true, err
}

func (r registration[S, C]) check(command []byte) error {
	_, err := r.d.Decode(command)
	return err
}

// notificationsFile is where the bank's notifier writes, in its domain's
// data directory.
const notificationsFile = "notifications.jsonl"

// openNotify opens the bank's notifier: it tells account holders of
// withdrawals, reversals and closures, and keeps what it sent in
// notifications.jsonl, from which it also knows what it already sent.
func openNotify(env targetEnv) (eventbus.Target, func() error, error) {
	path := filepath.Join(env.dir, notificationsFile)
	seen, err := notify.SeenFromJSONL(path, 100000)
	if err != nil {
		return nil, nil, err
	}
	sink, err := notify.OpenJSONL(path)
	if err != nil {
		return nil, nil, err
	}
	h, err := notify.NewHandler(notify.FromEventLog(env.store), seen, sink)
	if err != nil {
		_ = sink.Close()
		return nil, nil, err
	}
	return eventbus.Func(h.Handle), sink.Close, nil
}
