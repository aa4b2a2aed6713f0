package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/eventbus"
	"github.com/stepfold/stepfold/tasks/rebuild"
)

// replay rebuilds every domain's read model from its event log (or one
// domain's, with --domain), and optionally publishes every event again to
// one rule's target. It needs the data directory to itself.
func replay(ctx context.Context, args []string, stdout, stderr io.Writer, e env) error {
	flags := flag.NewFlagSet("replay", flag.ContinueOnError)
	data := flags.String("data", e.or("STEPFOLD_DATA", defaultData), "data directory (env STEPFOLD_DATA)")
	only := flags.String("domain", "", "replay only this domain (default: every domain)")
	rule := flags.String("republish", "", "also publish every event again to this rule's target (to the archive: only the events it lacks)")
	if err := parse(flags, args, stderr); err != nil {
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
	services, err := a.chosen(*only)
	if err != nil {
		return err
	}
	var rp *republisher
	if *rule != "" {
		if rp, err = republisherOf(services, *rule); err != nil {
			return err
		}
		defer rp.bus.Close(context.Background())
	}
	for _, s := range services {
		opt := rebuild.Options{}
		if rp != nil && rp.s == s {
			opt.Republish = rp.publish
		}
		if err := runReplay(ctx, s, opt, stdout); err != nil {
			return err
		}
	}
	if rp != nil {
		rp.report(stdout)
	}
	return nil
}

// chosen is the named domain's service, or every service when name is "".
func (a *app) chosen(name string) ([]*service, error) {
	if name == "" {
		return a.services, nil
	}
	if s := a.service(name); s != nil {
		return []*service{s}, nil
	}
	names := make([]string, len(a.services))
	for i, s := range a.services {
		names[i] = s.info.Name
	}
	return nil, fmt.Errorf("no domain is called %q; the domains are %s", name, strings.Join(names, ", "))
}

// republisher publishes the log's events again to one rule's target and
// counts them. For the archive it leaves out the events the archive
// already holds, by id: a republish fills in what the archive lost (its
// unsynced tail after a machine crash) instead of appending everything a
// second time. Other targets get every event; they dedupe by id.
type republisher struct {
	s            *service
	bus          *eventbus.Bus
	rule, target string
	archived     map[string]bool // the archive's event ids; nil for other targets
	sent, held   atomic.Int64
}

// republisherOf builds the republisher of the rule called name, which one
// of the services has, with a bus that has only that rule, so that the
// events reach only its target.
func republisherOf(services []*service, name string) (*republisher, error) {
	var names []string
	for _, s := range services {
		for _, r := range busRules(s.rules) {
			if r.Name == name {
				return s.republisher(r)
			}
			names = append(names, r.Name)
		}
	}
	return nil, fmt.Errorf("no rule named %q; the rules are %s", name, strings.Join(names, ", "))
}

func (s *service) republisher(r eventbus.Rule) (*republisher, error) {
	p := &republisher{s: s, rule: r.Name, target: r.Target}
	if _, ok := s.targets[r.Target].(*eventbus.Archive); ok {
		ids, err := archivedIDs(filepath.Join(s.dir, archivePath(r.Target)))
		if err != nil {
			return nil, err
		}
		p.archived = ids
	}
	opts := append(s.busTarget(r.Target), eventbus.WithSource(s.rules.Source), eventbus.WithLogger(quietLogger()))
	bus, err := eventbus.New(filepath.Join(s.dir, republishQueueDir), []eventbus.Rule{r}, opts...)
	p.bus = bus
	return p, err
}

// publish is a rebuild.Options Republish.
func (p *republisher) publish(ctx context.Context, evs []events.Event) error {
	fresh := evs
	if p.archived != nil {
		fresh = make([]events.Event, 0, len(evs))
		for _, e := range evs {
			if !p.archived[e.ID] {
				fresh = append(fresh, e)
			}
		}
	}
	p.held.Add(int64(len(evs) - len(fresh)))
	if len(fresh) == 0 {
		return nil
	}
	if err := p.bus.Publish(ctx, fresh); err != nil {
		return err
	}
	p.sent.Add(int64(len(fresh)))
	return nil
}

func (p *republisher) report(w io.Writer) {
	fmt.Fprintf(w, "republished %d events to rule %s (target %s)", p.sent.Load(), p.rule, p.target)
	if p.archived != nil {
		fmt.Fprintf(w, "; left out %d events %s already holds", p.held.Load(), archiveFile)
	}
	fmt.Fprintln(w)
}

// archivedIDs reads the ids of the events in the archive; a missing file
// holds none, and a line that is not an event (a torn last line) is
// passed over.
func archivedIDs(path string) (map[string]bool, error) {
	ids := map[string]bool{}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ids, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	for sc.Scan() {
		var e struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.ID != "" {
			ids[e.ID] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return ids, nil
}

func runReplay(ctx context.Context, s *service, opt rebuild.Options, stdout io.Writer) error {
	total, err := countStreams(ctx, s.store)
	if err != nil {
		return err
	}
	p := newProgress(stdout, total, nouns(s.info))
	opt.Progress = p.update
	st, err := rebuild.Run(ctx, s.store, s.tasks, opt)
	p.finish(st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "replayed %d %s, %d events in %s (%.0f events/s); %d %s moved forward\n",
		st.Streams, p.noun, st.Events, st.Elapsed.Round(time.Millisecond), st.EventsPerSecond(), st.Updated, p.noun)
	return nil
}

// nouns names a domain's streams in the plural ("accounts").
func nouns(info events.Info) string {
	if info.Noun == "" {
		return info.Name + " streams"
	}
	return info.Noun + "s"
}

func countStreams(ctx context.Context, log events.EventStore) (int64, error) {
	var n int64
	after := ""
	for {
		ids, err := log.Streams(ctx, after, events.MaxReadLimit)
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
	noun  string // what is counted, in the plural
	last  time.Time
}

func newProgress(w io.Writer, total int64, noun string) *progress {
	return &progress{w: w, tty: isTerminal(w), total: total, noun: noun, last: time.Now()}
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
		fmt.Fprintf(p.w, "replay: %d/%d %s, %d events, %.0f events/s\n", st.Streams, p.total, p.noun, st.Events, st.EventsPerSecond())
		return
	}
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = float64(st.Streams) / float64(p.total)
	}
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d %s %d events %.0f ev/s ",
		strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, st.Streams, p.total, p.noun, st.Events, st.EventsPerSecond())
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
