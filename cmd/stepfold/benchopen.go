package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// lateSlack is how long after its intended time a request may leave and
// still count as on time: the timer and scheduler delays of a loaded
// machine are of this order.
const lateSlack = time.Millisecond

// warmConns is how many connections an open-loop phase dials before its
// first request, so the first requests do not pay for a dial.
const warmConns = 8

// rateSpec is one rate of --rate: requests per second, or a share of the
// closed-loop maximum when percent is set.
type rateSpec struct {
	value   float64
	percent bool
}

func (r rateSpec) String() string {
	if r.percent {
		return strconv.FormatFloat(r.value, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(r.value, 'f', -1, 64) + "/s"
}

// parseRates reads a --rate list such as "500,1000/s" or "25%,50%,75%".
func parseRates(s string) ([]rateSpec, error) {
	if s == "" {
		return nil, nil
	}
	var out []rateSpec
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		r := rateSpec{}
		num, pct := strings.CutSuffix(item, "%")
		if !pct {
			num = strings.TrimSuffix(num, "/s")
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || v <= 0 || v > 1e7 {
			return nil, fmt.Errorf("--rate: %q is not a positive rate (N per second or N%% of the closed-loop maximum)", item)
		}
		r.value, r.percent = v, pct
		out = append(out, r)
	}
	return out, nil
}

// openPlan is one open-loop phase: requests at a fixed rate for a while,
// each on whichever connection is free, with more connections opened up
// to maxConns while every one is busy.
type openPlan struct {
	rate     float64       // requests per second
	duration time.Duration // how long requests are scheduled for
	maxConns int
	warm     int           // connections dialled before the first request
	grace    time.Duration // how long after the schedule ends a waiting request may still leave
}

// count is the number of requests the plan schedules.
func (p openPlan) count() int { return int(p.rate * p.duration.Seconds()) }

// due is when request k is meant to leave, after the phase's start.
func (p openPlan) due(k int) time.Duration {
	return time.Duration(float64(k) * float64(time.Second) / p.rate)
}

// sender sends request k of a phase on one connection and returns the
// status; an error means no answer.
type sender interface {
	send(ctx context.Context, k int) (int, error)
	close()
}

// openSample is what happened to one request, in offsets from the start.
type openSample struct {
	due, sent, done time.Duration
	status          int
	waited          bool // it waited because every connection was busy
	unsent          bool // it was still waiting when the grace ran out
}

// latency is the time from the request's intended send to its answer:
// what a user arriving on schedule waits, queueing in the load generator
// included. For a request never sent it is the time it had waited when
// the phase gave up, a lower bound.
func (s openSample) latency() time.Duration { return s.done - s.due }

// late is how long after its intended time the request left.
func (s openSample) late() time.Duration { return s.sent - s.due }

// openResult is one open-loop phase's record.
type openResult struct {
	plan     openPlan
	samples  []openSample // in no particular order
	conns    int          // connections opened
	firstErr error
	elapsed  time.Duration // from the first intended send to the last answer
}

// openRun is the state of a phase while it runs.
type openRun struct {
	plan  openPlan
	dial  func(context.Context) (sender, error)
	start time.Time
	jobs  chan openJob
	wg    sync.WaitGroup
	mu    sync.Mutex // guards res and live
	res   openResult
	live  int // connections working
}

// openJob is one request handed to a connection.
type openJob struct {
	k      int
	due    time.Duration
	waited bool
}

// runOpen runs one open-loop phase. Request k is due at start+p.due(k)
// and goes to an idle connection; when none is idle it gets a new one,
// up to p.maxConns; past that it waits, and the requests behind it wait
// too, all timed from their intended send. Requests still waiting
// p.grace after the schedule ends are given up and recorded as unsent.
// dial opens a connection; the warm ones are opened before the start.
func runOpen(ctx context.Context, p openPlan, dial func(context.Context) (sender, error)) (openResult, error) {
	r := &openRun{plan: p, dial: dial, jobs: make(chan openJob)}
	r.res.plan = p
	for range min(p.warm, p.maxConns) {
		s, err := dial(ctx)
		if err != nil {
			r.stop()
			return r.res, err
		}
		r.grow()
		r.wg.Go(func() { r.work(ctx, s, nil) })
	}
	r.start = time.Now()
	deadline := r.start.Add(p.duration + p.grace)
	tm := time.NewTimer(time.Hour)
	defer tm.Stop()
	n := p.count()
	var freed time.Duration // when the dispatcher last got a busy connection
	for k := range n {
		j := openJob{k: k, due: p.due(k)}
		j.waited = j.due < freed // it fell due while every connection was busy
		if !sleepUntil(ctx, tm, r.start.Add(j.due)) || !r.dispatch(ctx, tm, &j, deadline) {
			r.giveUp(k, n)
			break
		}
		if j.waited {
			freed = r.since()
		}
	}
	r.stop()
	return r.res, nil
}

// sleepUntil waits on tm until t or ctx's end, and says whether t came.
func sleepUntil(ctx context.Context, tm *time.Timer, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm.Reset(d)
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dispatch hands j to an idle connection, else to a new one, else waits
// for one until deadline, marking it as having waited; it says whether j
// left.
func (r *openRun) dispatch(ctx context.Context, tm *time.Timer, j *openJob, deadline time.Time) bool {
	select {
	case r.jobs <- *j:
		return true
	default:
	}
	if r.grow() {
		first := *j
		r.wg.Go(func() { r.work(ctx, nil, &first) })
		return true
	}
	j.waited = true
	tm.Reset(time.Until(deadline))
	select {
	case r.jobs <- *j:
		return true
	case <-tm.C:
	case <-ctx.Done():
	}
	return false
}

// grow counts a new connection, if the cap allows one.
func (r *openRun) grow() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live >= r.plan.maxConns {
		return false
	}
	r.live++
	r.res.conns++
	return true
}

// work serves jobs on one connection: s, or one it dials for first, the
// job it was opened for. A failed dial fails that job and ends the
// connection, leaving room for another.
func (r *openRun) work(ctx context.Context, s sender, first *openJob) {
	if s == nil {
		var err error
		if s, err = r.dial(ctx); err != nil {
			r.record(*first, r.since(), 0, err)
			r.mu.Lock()
			r.live--
			r.mu.Unlock()
			return
		}
	}
	defer s.close()
	if first != nil {
		r.do(ctx, s, *first)
	}
	for j := range r.jobs {
		r.do(ctx, s, j)
	}
}

func (r *openRun) do(ctx context.Context, s sender, j openJob) {
	sent := r.since()
	status, err := s.send(ctx, j.k)
	r.record(j, sent, status, err)
}

func (r *openRun) since() time.Duration { return time.Since(r.start) }

// record keeps what one request got.
func (r *openRun) record(j openJob, sent time.Duration, status int, err error) {
	done := r.since()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.samples = append(r.res.samples, openSample{due: j.due, sent: sent, done: done, status: status, waited: j.waited})
	if err != nil && r.res.firstErr == nil {
		r.res.firstErr = err
	}
	r.res.elapsed = max(r.res.elapsed, done)
}

// giveUp records the requests from k on that are due by now as never
// sent, each having waited from its intended time until now. Requests
// not yet due (the run was interrupted) are not part of the phase.
func (r *openRun) giveUp(k, n int) {
	now := r.since()
	r.mu.Lock()
	defer r.mu.Unlock()
	for ; k < n && r.plan.due(k) <= now; k++ {
		r.res.samples = append(r.res.samples, openSample{due: r.plan.due(k), sent: now, done: now, waited: true, unsent: true})
	}
}

// stop lets the connections finish what they hold and waits for them.
func (r *openRun) stop() {
	close(r.jobs)
	r.wg.Wait()
}

// openSummary is what the report says of a phase.
type openSummary struct {
	scheduled int
	answered  int
	noAnswer  int
	unsent    int
	waited    int             // for a connection
	late      int             // left more than lateSlack after their time
	lat       []time.Duration // sorted: of the answered and the unsent
	lateness  []time.Duration // sorted: how late each request left
	statuses  map[int]int     // 0 counts requests that got no answer
	achieved  float64         // answers per second
}

func summarize(r openResult) openSummary {
	s := openSummary{statuses: map[int]int{}}
	for _, x := range r.samples {
		s.scheduled++
		s.lateness = append(s.lateness, x.late())
		if x.late() > lateSlack {
			s.late++
		}
		if x.waited {
			s.waited++
		}
		switch {
		case x.unsent:
			s.unsent++
		case x.status == 0:
			s.noAnswer++
			s.statuses[0]++
			continue
		default:
			s.answered++
			s.statuses[x.status]++
		}
		s.lat = append(s.lat, x.latency())
	}
	slices.Sort(s.lat)
	slices.Sort(s.lateness)
	if r.elapsed > 0 {
		s.achieved = float64(s.answered) / r.elapsed.Seconds()
	}
	return s
}

// reportOpen prints a phase: the rate asked for and achieved, the
// latency percentiles from intended send to answer, and how far the load
// generator fell behind its schedule.
func reportOpen(w io.Writer, name string, r openResult) {
	s := summarize(r)
	fmt.Fprintf(w, "%-9s %7.0f/s asked %7.0f/s achieved  %7d answered  p50 %8s  p99 %8s  p99.9 %8s  max %8s  statuses %v\n",
		name, r.plan.rate, s.achieved, s.answered, pct(s.lat, 0.50), pct(s.lat, 0.99), pct(s.lat, 0.999), pct(s.lat, 1), s.statuses)
	fmt.Fprintf(w, "%-9s %d scheduled, %d left more than %s late (p99 %s, max %s), %d waited for a connection, %d connections (cap %d), %d never sent\n",
		name, s.scheduled, s.late, lateSlack, pct(s.lateness, 0.99), pct(s.lateness, 1), s.waited, r.conns, r.plan.maxConns, s.unsent)
	if s.unsent > 0 {
		fmt.Fprintf(w, "%-9s the server fell behind: %d requests were still waiting %s after the schedule ended; their latency counts up to then, a lower bound\n",
			name, s.unsent, r.plan.grace)
	}
	if r.firstErr != nil {
		fmt.Fprintf(w, "%-9s %d got no answer, the first: %v\n", name, s.noAnswer, r.firstErr)
	}
}

// openRates turns the rate specs into rates per second, measuring the
// closed-loop maximum first if any spec is a share of it.
func openRates(specs []rateSpec, closedMax func() (float64, error)) ([]float64, error) {
	var maxRate float64
	out := make([]float64, 0, len(specs))
	for _, sp := range specs {
		if !sp.percent {
			out = append(out, sp.value)
			continue
		}
		if maxRate == 0 {
			var err error
			if maxRate, err = closedMax(); err != nil {
				return nil, err
			}
		}
		out = append(out, sp.value/100*maxRate)
	}
	return out, nil
}

// benchOpen runs the open-loop phases of c.rates, after the closed-loop
// command phase that measures the maximum when a rate is a share of it.
func (b *bencher) benchOpen(ctx context.Context, stdout io.Writer) error {
	c := b.cfg
	rates, err := openRates(c.rates, func() (float64, error) {
		res := b.phase(ctx, func(cl, i int) (bool, int, error) { s, err := b.transact(ctx, &b.conns[cl], i); return true, s, err }, c.duration)
		report(stdout, "closed", res)
		if res.ok == 0 {
			return 0, fmt.Errorf("no command succeeded in the closed loop, so there is no maximum to take a share of (statuses %v)%s", res.statuses, res.errText())
		}
		return float64(res.ok) / res.elapsed.Seconds(), nil
	})
	if err != nil {
		return err
	}
	for i, rate := range rates {
		p := openPlan{rate: rate, duration: c.duration, maxConns: c.maxConns, warm: warmConns, grace: max(c.duration, 5*time.Second)}
		if p.count() == 0 {
			return fmt.Errorf("--rate %s for %s schedules no request", c.rates[i], c.duration)
		}
		fmt.Fprintf(stdout, "open loop at %s: %.0f commands/s for %s\n", c.rates[i], rate, c.duration)
		res, err := runOpen(ctx, p, b.dialSender)
		if err != nil {
			return err
		}
		reportOpen(stdout, "at "+c.rates[i].String(), res)
	}
	return nil
}

// idleRedial is how long an open-loop connection may sit unused before
// it is dialled again for its next command: the server closes keep-alive
// connections idle for 15 s by default, and a command sent on a
// connection the server has just closed gets no answer. Connections that
// a stall made the pool grow can sit that long at a low rate.
const idleRedial = 10 * time.Second

// benchSender sends the command phase's deposits and withdrawals on one
// connection of its own.
type benchSender struct {
	b    *bencher
	c    conn
	last time.Time     // when the last command was sent
	idle time.Duration // redial after this long unused
}

func (b *bencher) dialSender(ctx context.Context) (sender, error) {
	s := &benchSender{b: b, c: conn{addr: b.cfg.addr}, idle: idleRedial}
	if err := s.c.dial(ctx); err != nil {
		return nil, err
	}
	s.last = time.Now()
	return s, nil
}

// send sends command k, first dialling again if the connection has been
// idle too long; that dial counts in the command's latency.
func (s *benchSender) send(ctx context.Context, k int) (int, error) {
	if time.Since(s.last) > s.idle {
		s.c.close()
	}
	s.last = time.Now()
	return s.b.transact(ctx, &s.c, k)
}

func (s *benchSender) close() { s.c.close() }
