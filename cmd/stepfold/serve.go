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

	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/local/console"
	"github.com/stepfold/stepfold/local/deadletter"
	"github.com/stepfold/stepfold/local/executions"
	"github.com/stepfold/stepfold/local/httpguard"
	"github.com/stepfold/stepfold/local/sfnapi"
	"github.com/stepfold/stepfold/tasks/rebuild"
)

// shutdownGrace bounds how long a shutdown waits for requests in flight
// and for the bus to drain.
const shutdownGrace = 30 * time.Second

// Defaults of the connection flags of serve.
const (
	// defaultIdleTimeout closes a keep-alive connection that sends
	// nothing for this long: long enough for a client that sends requests
	// in bursts to keep its connection, short enough that abandoned ones
	// go within seconds.
	defaultIdleTimeout = 15 * time.Second
	// defaultReadTimeout bounds sending a request, header and body: a
	// body is at most 320 KiB, a few seconds even over a slow link.
	defaultReadTimeout = 10 * time.Second
)

// serveConfig is the parsed serve command line.
type serveConfig struct {
	app   appConfig
	addr  string
	pprof bool
	// allowRemote lets the server listen where other machines reach it.
	allowRemote bool
	// hosts and origins are the Host names and browser origins trusted
	// beyond the server's own (httpguard.Config).
	hosts, origins listFlag
	idleTimeout    time.Duration
	readTimeout    time.Duration
	maxConns       int // 0: from the open-file limit
}

func parseServe(args []string, stderr io.Writer, e env) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := serveConfig{}
	hooks := webhookFlag(e.webhooks())
	fs.StringVar(&c.app.data, "data", e.or("STEPFOLD_DATA", defaultData), "data directory (env STEPFOLD_DATA)")
	fs.StringVar(&c.addr, "addr", e.or("STEPFOLD_ADDR", defaultAddr), "listen address (env STEPFOLD_ADDR)")
	fs.Var(hooks, "webhook", "bus target NAME=URL, repeatable (env STEPFOLD_WEBHOOK_<NAME>=url)")
	var rulesPaths listFlag
	fs.Var(&rulesPaths, "rules", "an EventBridge rules file that replaces the rules of the domain whose source it names; repeatable (default: each domain's own)")
	fs.IntVar(&c.app.history, "history", executions.DefaultCapacity, "executions kept for the console and DescribeExecution")
	fs.BoolVar(&c.pprof, "pprof", false, "serve net/http/pprof under /debug/pprof/ (for profiling)")
	level := fs.String("log-level", e.or("STEPFOLD_LOG_LEVEL", "info"), "debug, info, warn or error")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow listening on an address other machines reach (the server has no authentication)")
	c.hosts = newListFlag(e["STEPFOLD_ALLOW_HOSTS"])
	c.origins = newListFlag(e["STEPFOLD_ALLOW_ORIGINS"])
	fs.Var(&c.hosts, "allow-host", "also answer to this Host name, or name:port; repeatable (env STEPFOLD_ALLOW_HOSTS, comma-separated)")
	fs.Var(&c.origins, "allow-origin", "trust this browser origin (http://localhost:3000) to send writes and read answers with CORS; repeatable (env STEPFOLD_ALLOW_ORIGINS, comma-separated)")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", defaultIdleTimeout, "close a keep-alive connection idle this long")
	fs.DurationVar(&c.readTimeout, "read-timeout", defaultReadTimeout, "time a client has to send a whole request, header and body")
	fs.IntVar(&c.maxConns, "max-conns", 0, "connections held at once (default: from the open-file limit, at most 4096)")
	if err := parse(fs, args, stderr); err != nil {
		return c, err
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("--log-level: %w", err)
	}
	c.app.log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	if c.maxConns < 0 || c.idleTimeout < 0 || c.readTimeout < 0 {
		return c, errors.New("--max-conns, --idle-timeout and --read-timeout cannot be negative")
	}
	if c.maxConns == 0 {
		c.maxConns = httpguard.DefaultMaxConns()
	}
	c.app.webhooks = hooks
	var err error
	c.app.rules, err = readRules(rulesPaths)
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
	if err := checkListenAddr(c.addr, c.allowRemote, log); err != nil {
		return err
	}
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
	return a.serveOn(ctx, ln, c)
}

// checkListenAddr refuses an address that other machines reach unless
// allowRemote is set, and warns when it is.
func checkListenAddr(addr string, allowRemote bool, log *slog.Logger) error {
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", addr, err)
	}
	if tcp.IP.IsLoopback() {
		return nil
	}
	if !allowRemote {
		return fmt.Errorf("refusing to listen on %s: other machines could reach it, and the local server has no authentication; "+
			"listen on 127.0.0.1 (the default), or pass --allow-remote to accept that", addr)
	}
	log.Warn("listening where other machines can reach the server, which has no authentication (--allow-remote)", "addr", addr)
	return nil
}

// catchUp folds into the read model what the log has beyond it: after a
// crash, commands may be persisted but not folded, and the unsynced read
// model itself is discarded and folded again from the start.
func catchUp(ctx context.Context, a *app, log *slog.Logger) error {
	for _, s := range a.services {
		if s.states.Discarded() {
			log.Warn("the read model was not closed cleanly; folding it again from the event log",
				"domain", s.info.Name, "file", filepath.Join(s.dir, readModelFile))
		}
		st, err := rebuild.Run(ctx, s.store, s.tasks, rebuild.Options{CatchUp: true})
		if err != nil {
			return fmt.Errorf("catching up the %s read model: %w", s.info.Name, err)
		}
		log.Info("read model caught up", "domain", s.info.Name, "streams", st.Streams, "eventsFolded", st.Events,
			"streamsUpdated", st.Updated, "duration", st.Elapsed)
	}
	return nil
}

// serveOn serves on ln until ctx ends.
func (a *app) serveOn(ctx context.Context, ln net.Listener, c serveConfig) error {
	log := c.app.log
	srv, ln, err := a.server(ln, c)
	if err != nil {
		_ = ln.Close()
		_ = a.close(context.Background())
		return err
	}
	addr := ln.Addr().String()
	// The startup line comes before the server record, so whoever finds
	// the record (dlq, bench, the tests) finds the line logged too.
	log.Info("stepfold listening", "addr", addr, "data", a.cfg.data, "pid", os.Getpid(),
		"console", "http://"+addr+"/console/", "domains", a.describe(),
		"maxConns", c.maxConns, "idleTimeout", c.idleTimeout.String(), "readTimeout", c.readTimeout.String(),
		"allowedHosts", []string(c.hosts), "allowedOrigins", []string(c.origins))
	if err := writeServerInfo(a.cfg.data, addr); err != nil {
		_ = ln.Close()
		_ = a.close(context.Background())
		return err
	}
	defer os.Remove(filepath.Join(a.cfg.data, serverFile))
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

// server builds the HTTP server: the routes behind the request checks of
// httpguard, with the connection timeouts, and ln capped at maxConns.
func (a *app) server(ln net.Listener, c serveConfig) (*http.Server, net.Listener, error) {
	h, err := a.handler(c.app.log)
	if err != nil {
		return nil, ln, err
	}
	if c.pprof {
		h = withPprof(h)
	}
	h, err = httpguard.New(h, httpguard.Config{Addr: ln.Addr(), Hosts: c.hosts, Origins: c.origins,
		MediaType: writeMediaType, Log: c.app.log})
	if err != nil {
		return nil, ln, err
	}
	lim := httpguard.Limit(ln, c.maxConns, c.app.log)
	// ReadTimeout bounds reading the body too; it does not cut a handler
	// that runs longer, since net/http lifts the deadline once the body
	// has been read.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: c.readTimeout, ReadTimeout: c.readTimeout, IdleTimeout: c.idleTimeout,
		ConnState: lim.ConnState, ErrorLog: slog.NewLogLogger(c.app.log.Handler(), slog.LevelWarn)}
	return srv, lim, nil
}

// writeMediaType is the media type of a write: the AWS JSON 1.0 type for
// the Step Functions API, JSON for every other route.
func writeMediaType(r *http.Request) string {
	if sfnapi.IsRequest(r) {
		return sfnapi.ContentType
	}
	return httpguard.JSON
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

// handler routes between the domains' APIs, the Step Functions API, the
// console and the admin routes.
func (a *app) handler(log *slog.Logger) (http.Handler, error) {
	machines := make([]sfnapi.StateMachine, 0, len(a.services))
	apis := http.NewServeMux()
	for _, s := range a.services {
		machines = append(machines, sfnapi.StateMachine{Name: machineName(s.info.Name), Runner: s.machine, Definition: s.def,
			Type: types.StateMachineTypeExpress, RoleARN: "arn:aws:iam::000000000000:role/stepfold-local", Created: time.Now()})
		base := "/" + httpapi.Collection(s.info)
		apis.Handle(base, s.api)
		apis.Handle(base+"/", s.api)
	}
	sfn, err := sfnapi.New(machines, a.recent, log, sfnapi.WithTestState(a.testOpts()...))
	if err != nil {
		return nil, err
	}
	admin := deadletter.Handler(a.dlq)
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
			apis.ServeHTTP(w, r)
		}
	}), nil
}

// describe says, for the start's log line, which domains run, with their
// routes and bus targets.
func (a *app) describe() map[string]any {
	out := make(map[string]any, len(a.services))
	for _, s := range a.services {
		out[s.info.Name] = map[string]any{"routes": "/" + httpapi.Collection(s.info), "targets": s.targetNames()}
	}
	return out
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
