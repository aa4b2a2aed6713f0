package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stepfold/stepfold/server/httpapi"
)

// benchConfig is the parsed bench command line.
type benchConfig struct {
	base     string
	addr     string // host:port
	clients  int
	duration time.Duration
	reads    time.Duration
	accounts int
}

func parseBench(args []string, stderr io.Writer, e env) (benchConfig, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c benchConfig
	addr := fs.String("addr", e.or("STEPFOLD_ADDR", defaultAddr), "address of a running stepfold serve")
	fs.IntVar(&c.clients, "clients", 64, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each phase (writes, then reads) runs")
	fs.DurationVar(&c.reads, "read-duration", -1, "how long the read phase runs, if not --duration; 0 skips it")
	fs.IntVar(&c.accounts, "accounts", 1000, "accounts to open and spread the load over")
	if err := parse(fs, args, stderr); err != nil {
		return c, err
	}
	if c.clients < 1 || c.duration <= 0 || c.accounts < 1 {
		return c, errors.New("--clients and --accounts must be at least 1 and --duration positive")
	}
	if c.reads < 0 {
		c.reads = c.duration
	}
	c.addr = strings.TrimSuffix(strings.TrimPrefix(*addr, "http://"), "/")
	c.base = "http://" + c.addr
	return c, nil
}

// bench drives a running server: it opens accounts, then sends deposits and
// withdrawals spread over them for a while, then reads them for a while, and
// reports throughput and latency of each phase.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer, e env) error {
	c, err := parseBench(args, stderr, e)
	if err != nil {
		return err
	}
	b := &bencher{cfg: c, run: httpapi.NewID()[:8], conns: make([]conn, c.clients)}
	for i := range b.conns {
		b.conns[i].addr = c.addr
	}
	defer b.close()
	fmt.Fprintf(stdout, "bench %s: %d clients, %d accounts, %s per phase\n", c.base, c.clients, c.accounts, c.duration)
	open := b.phase(ctx, func(cl, i int) (bool, int) { return i < c.accounts, b.open(ctx, cl, i) }, 0)
	report(stdout, "open", open)
	if open.ok == 0 {
		return fmt.Errorf("no account could be opened (statuses %v)", open.statuses)
	}
	writes := b.phase(ctx, func(cl, i int) (bool, int) { return true, b.transact(ctx, cl, i) }, c.duration)
	report(stdout, "commands", writes)
	if c.reads == 0 {
		return nil
	}
	reads := b.phase(ctx, func(cl, i int) (bool, int) { return true, b.read(ctx, cl, i) }, c.reads)
	report(stdout, "reads", reads)
	return nil
}

type bencher struct {
	cfg   benchConfig
	run   string
	conns []conn // one per client
}

func (b *bencher) close() {
	for i := range b.conns {
		b.conns[i].close()
	}
}

func (b *bencher) account(i int) string { return fmt.Sprintf("bench-%s-%d", b.run, i%b.cfg.accounts) }

// result is one phase's figures.
type result struct {
	ok       int
	statuses map[int]int
	lat      []time.Duration // of successful requests
	elapsed  time.Duration
}

// phase runs step on every client until it says stop or d passes (d == 0:
// until step says stop). Steps are numbered across clients.
func (b *bencher) phase(ctx context.Context, step func(client, i int) (bool, int), d time.Duration) result {
	var (
		mu  sync.Mutex
		res = result{statuses: map[int]int{}}
		wg  sync.WaitGroup
		n   int
	)
	next := func() int { mu.Lock(); defer mu.Unlock(); n++; return n - 1 }
	start := time.Now()
	for cl := range b.cfg.clients {
		wg.Go(func() {
			var lat []time.Duration
			statuses := map[int]int{}
			for ctx.Err() == nil && (d == 0 || time.Since(start) < d) {
				t := time.Now()
				more, status := step(cl, next())
				if !more {
					break
				}
				statuses[status]++
				if status/100 == 2 {
					lat = append(lat, time.Since(t))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.lat = append(res.lat, lat...)
			for s, k := range statuses {
				res.statuses[s] += k
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.ok = len(res.lat)
	return res
}

func (b *bencher) open(ctx context.Context, cl, i int) int {
	return b.do(ctx, cl, http.MethodPost, "/accounts", fmt.Sprintf(`{"accountId":%q,"currency":"EUR"}`, b.account(i)))
}

// transact deposits twice for every withdrawal, so balances stay positive.
func (b *bencher) transact(ctx context.Context, cl, i int) int {
	acc := b.account(rand.IntN(b.cfg.accounts))
	if i%3 == 2 {
		return b.do(ctx, cl, http.MethodPost, "/accounts/"+acc+"/withdrawals", `{"amount":100}`)
	}
	return b.do(ctx, cl, http.MethodPost, "/accounts/"+acc+"/deposits", `{"amount":500,"reference":"bench"}`)
}

func (b *bencher) read(ctx context.Context, cl, i int) int {
	return b.do(ctx, cl, http.MethodGet, "/accounts/"+b.account(rand.IntN(b.cfg.accounts)), "")
}

// do sends one request on client cl's connection and returns its status,
// or 0 when it failed.
func (b *bencher) do(ctx context.Context, cl int, method, path, body string) int {
	status, err := b.conns[cl].do(ctx, method, path, body)
	if err != nil {
		return 0
	}
	return status
}

func report(w io.Writer, name string, r result) {
	slices.Sort(r.lat)
	rate := float64(r.ok) / r.elapsed.Seconds()
	fmt.Fprintf(w, "%-9s %8d ok in %6.2fs  %9.0f/s  p50 %8s  p99 %8s  max %8s  statuses %v\n",
		name, r.ok, r.elapsed.Seconds(), rate, pct(r.lat, 0.50), pct(r.lat, 0.99), pct(r.lat, 1), r.statuses)
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}
