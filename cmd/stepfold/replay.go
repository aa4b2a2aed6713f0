package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/localbus"
	"github.com/stepfold/stepfold/server/rebuild"
)

// replay rebuilds the read model from the event log, and optionally
// publishes every event again to one rule's target. It needs the data
// directory to itself.
func replay(ctx context.Context, args []string, stdout, stderr io.Writer, e env) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	data := fs.String("data", e.or("STEPFOLD_DATA", defaultData), "data directory (env STEPFOLD_DATA)")
	rule := fs.String("republish", "", "also publish every event again to this rule's target")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	a, err := openApp(appConfig{data: *data, history: 100, log: quietLogger(), webhooks: e.webhooks()})
	var inUse *errInUse
	if errors.As(err, &inUse) {
		return fmt.Errorf("%w; stop it first (kill -TERM %d): replay rewrites the read model and needs the data dir to itself", inUse, inUse.info.PID)
	}
	if err != nil {
		return err
	}
	defer a.close(context.Background())
	opt := rebuild.Options{}
	if *rule != "" {
		bus, err := a.ruleBus(*rule)
		if err != nil {
			return err
		}
		defer bus.Close(context.Background())
		opt.Republish = bus.Publish
	}
	return runReplay(ctx, a, opt, stdout)
}

// ruleBus is a bus with only the named rule, so that a republish reaches
// only its target.
func (a *app) ruleBus(name string) (*localbus.Bus, error) {
	for _, r := range busRules(a.rules) {
		if r.Name == name {
			opts := append(a.busTarget(r.Target), localbus.WithSource(a.rules.Source), localbus.WithLogger(a.cfg.log))
			return localbus.New(filepath.Join(a.cfg.data, republishQueueDir), []localbus.Rule{r}, opts...)
		}
	}
	names := make([]string, 0, len(a.rules.Rules))
	for _, r := range a.rules.Rules {
		names = append(names, r.Name)
	}
	return nil, fmt.Errorf("no rule named %q; the rules are %s", name, strings.Join(names, ", "))
}

func runReplay(ctx context.Context, a *app, opt rebuild.Options, stdout io.Writer) error {
	total, err := countAccounts(ctx, a.store)
	if err != nil {
		return err
	}
	p := newProgress(stdout, total)
	opt.Progress = p.update
	st, err := rebuild.Run(ctx, a.store, a.states, opt)
	p.finish(st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "replayed %d accounts, %d events in %s (%.0f events/s); %d accounts moved forward\n",
		st.Accounts, st.Events, st.Elapsed.Round(time.Millisecond), st.EventsPerSecond(), st.Updated)
	return nil
}

func countAccounts(ctx context.Context, log events.EventStore) (int64, error) {
	var n int64
	after := ""
	for {
		ids, err := log.Accounts(ctx, after, events.MaxReadLimit)
		if err != nil {
			return n, err
		}
		n += int64(len(ids))
		if len(ids) < events.MaxReadLimit {
			return n, nil
		}
		after = ids[len(ids)-1]
	}
}

// progress draws a bar on a terminal and prints a line a second otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	total int64
	last  time.Time
}

func newProgress(w io.Writer, total int64) *progress {
	return &progress{w: w, tty: isTerminal(w), total: total, last: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(st rebuild.Stats) {
	every := time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	p.draw(st)
}

func (p *progress) draw(st rebuild.Stats) {
	if !p.tty {
		fmt.Fprintf(p.w, "replay: %d/%d accounts, %d events, %.0f events/s\n", st.Accounts, p.total, st.Events, st.EventsPerSecond())
		return
	}
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = float64(st.Accounts) / float64(p.total)
	}
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d accounts %d events %.0f ev/s ",
		strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, st.Accounts, p.total, st.Events, st.EventsPerSecond())
}

func (p *progress) finish(st rebuild.Stats) {
	if p.tty {
		p.draw(st)
		fmt.Fprintln(p.w)
	}
}

// quietLogger logs warnings and errors only, for the CLI commands.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
