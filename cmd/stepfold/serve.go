package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/server/console"
	"github.com/stepfold/stepfold/server/deadletter"
	"github.com/stepfold/stepfold/server/executions"
	"github.com/stepfold/stepfold/server/httpapi"
	"github.com/stepfold/stepfold/server/rebuild"
	"github.com/stepfold/stepfold/server/sfnapi"
)

// shutdownGrace bounds how long a shutdown waits for requests in flight
// and for the bus to drain.
const shutdownGrace = 30 * time.Second

// serveConfig is the parsed serve command line.
type serveConfig struct {
	app   appConfig
	addr  string
	pprof bool
}

func parseServe(args []string, stderr io.Writer, e env) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := serveConfig{}
	hooks := webhookFlag(e.webhooks())
	fs.StringVar(&c.app.data, "data", e.or("STEPFOLD_DATA", defaultData), "data directory (env STEPFOLD_DATA)")
	fs.StringVar(&c.addr, "addr", e.or("STEPFOLD_ADDR", defaultAddr), "listen address (env STEPFOLD_ADDR)")
	fs.Var(hooks, "webhook", "bus target NAME=URL, repeatable (env STEPFOLD_WEBHOOK_<NAME>=url)")
	rulesPath := fs.String("rules", "", "EventBridge rules file (default: the embedded rules/rules.json)")
	fs.IntVar(&c.app.history, "history", executions.DefaultCapacity, "executions kept for the console and DescribeExecution")
	fs.BoolVar(&c.pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/ (for profiling)")
	level := fs.String("log-level", e.or("STEPFOLD_LOG_LEVEL", "info"), "debug, info, warn or error")
	if err := parse(fs, args, stderr); err != nil {
		return c, err
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("--log-level: %w", err)
	}
	c.app.log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	c.app.webhooks = hooks
	var err error
	c.app.rules, err = readRules(*rulesPath)
	return c, err
}

// gcPercent is the garbage collector's target when GOGC is not set. A
// command allocates about 80 KB and the live heap is small, so the default
// of 100 collects very often; 200 took about 15% off the CPU of a command
// in BenchmarkCommand, for a heap up to twice as large.
const gcPercent = 200

// serve runs the server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, args []string, _, stderr io.Writer, e env) error {
	c, err := parseServe(args, stderr, e)
	if err != nil {
		return err
	}
	log := c.app.log
	if e.or("GOGC", "") == "" {
		debug.SetGCPercent(gcPercent)
	}
	a, err := openApp(c.app)
	if err != nil {
		return err
	}
	if err := catchUp(ctx, a, log); err != nil {
		_ = a.close(context.Background())
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		_ = a.close(context.Background())
		return err
	}
	return a.serveOn(ctx, ln, log, c.pprof)
}

// catchUp folds into the read model what the log has beyond it: after a
// crash, commands may be persisted but not folded, and the unsynced read
// model itself is discarded and folded again from the start.
func catchUp(ctx context.Context, a *app, log *slog.Logger) error {
	if a.states.Discarded() {
		log.Warn("the read model was not closed cleanly; folding it again from the event log", "file", readModelFile)
	}
	st, err := rebuild.Run(ctx, a.store, a.states, rebuild.Options{CatchUp: true})
	if err != nil {
		return fmt.Errorf("catching up the read model: %w", err)
	}
	log.Info("read model caught up", "accounts", st.Accounts, "eventsFolded", st.Events, "accountsUpdated", st.Updated, "duration", st.Elapsed)
	return nil
}

// serveOn serves on ln until ctx ends.
func (a *app) serveOn(ctx context.Context, ln net.Listener, log *slog.Logger, profile bool) error {
	h, err := a.handler(log)
	if err != nil {
		_ = ln.Close()
		_ = a.close(context.Background())
		return err
	}
	if profile {
		h = withPprof(h)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	addr := ln.Addr().String()
	if err := writeServerInfo(a.cfg.data, addr); err != nil {
		_ = ln.Close()
		_ = a.close(context.Background())
		return err
	}
	defer os.Remove(filepath.Join(a.cfg.data, serverFile))
	log.Info("stepfold listening", "addr", addr, "data", a.cfg.data, "pid", os.Getpid(),
		"console", "http://"+addr+"/console/", "targets", a.targetNames())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		_ = a.close(context.Background())
		return err
	case <-ctx.Done():
	}
	return a.shutdown(srv, log)
}

// shutdown stops accepting requests, lets those in flight (and so their
// executions) finish, drains the bus and closes the store.
func (a *app) shutdown(srv *http.Server, log *slog.Logger) error {
	log.Info("shutting down: finishing requests in flight")
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	errHTTP := srv.Shutdown(ctx)
	errApp := a.close(ctx)
	if err := errors.Join(errHTTP, errApp); err != nil {
		log.Error("shutdown was not clean", "err", err)
		return err
	}
	log.Info("shut down cleanly")
	return nil
}

func writeServerInfo(dir, addr string) error {
	b, _ := json.Marshal(serverInfo{PID: os.Getpid(), Addr: addr})
	return os.WriteFile(filepath.Join(dir, serverFile), b, 0o644)
}

// handler routes between the account API, the Step Functions API, the
// console and the admin routes.
func (a *app) handler(log *slog.Logger) (http.Handler, error) {
	api, err := httpapi.New(httpapi.Config{Runner: a.pipe, Reader: a.svc, Logger: log})
	if err != nil {
		return nil, err
	}
	sm := sfnapi.StateMachine{Name: MachineName, Runner: a.machine, Definition: a.def,
		Type: types.StateMachineTypeExpress, RoleARN: "arn:aws:iam::000000000000:role/stepfold-local", Created: time.Now()}
	sfn, err := sfnapi.New([]sfnapi.StateMachine{sm}, a.recent, log, sfnapi.WithTestState(a.testOpts...))
	if err != nil {
		return nil, err
	}
	admin := deadletter.Handler(a.redriver)
	con := console.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case sfnapi.IsRequest(r):
			sfn.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, deadletter.AdminPrefix):
			admin.ServeHTTP(w, r)
		case r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, console.Prefix):
			con.ServeHTTP(w, r)
		default:
			api.ServeHTTP(w, r)
		}
	}), nil
}

// withPprof adds the net/http/pprof handlers under /debug/pprof/, with
// mutex and block profiling on.
func withPprof(h http.Handler) http.Handler {
	runtime.SetMutexProfileFraction(10)
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/", h)
	return mux
}
