package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stepfold/stepfold/httpapi"
)

// benchConfig is the parsed bench command line.
type benchConfig struct {
	base     string
	addr     string // host:port
	from     string // where addr came from, for messages
	clients  int
	duration time.Duration
	reads    time.Duration
	accounts int
	hot      int        // > 0: the hot-account mode, with this many commands at once
	rates    []rateSpec // not empty: the open-loop mode, one phase per rate
	maxConns int        // the open loop's cap on connections
}

func parseBench(args []string, stderr io.Writer, e env) (benchConfig, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c benchConfig
	addr := fs.String("addr", "", "address of a running stepfold serve (default: STEPFOLD_ADDR, else the server recorded in --data, else "+defaultAddr+")")
	data := fs.String("data", e.or("STEPFOLD_DATA", defaultData), "data directory whose running server to drive when no address is given (env STEPFOLD_DATA)")
	fs.IntVar(&c.clients, "clients", 64, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each phase (writes, then reads) runs")
	fs.DurationVar(&c.reads, "read-duration", -1, "how long the read phase runs, if not --duration; 0 skips it")
	fs.IntVar(&c.accounts, "accounts", 1000, "accounts to open and spread the load over")
	fs.IntVar(&c.hot, "hot", 0, "instead: send N withdrawals at once to one account, then to one whose balance covers a third of them")
	rates := fs.String("rate", "", "instead: open loop, commands sent at each of these rates for --duration, timed from when each was due: N per second, or N% of the closed-loop maximum measured first (example: 25%,50%,75%)")
	fs.IntVar(&c.maxConns, "max-conns", 512, "the open loop's cap on connections")
	if err := parse(fs, args, stderr); err != nil {
		return c, err
	}
	if c.clients < 1 || c.duration <= 0 || c.accounts < 1 || c.hot < 0 || c.maxConns < 1 {
		return c, errors.New("--clients, --accounts and --max-conns must be at least 1, --duration positive and --hot not negative")
	}
	var err error
	if c.rates, err = parseRates(*rates); err != nil {
		return c, err
	}
	if len(c.rates) > 0 && c.hot > 0 {
		return c, errors.New("--rate and --hot are different modes: give one")
	}
	if c.reads < 0 {
		c.reads = c.duration
	}
	a, from := serverAddr(*addr, *data, e)
	c.addr, c.from = strings.TrimSuffix(strings.TrimPrefix(a, "http://"), "/"), from
	c.base = "http://" + c.addr
	return c, nil
}

// serverAddr finds the server to drive, as the flags document: --addr,
// else STEPFOLD_ADDR, else the server.json of the data directory, else
// the default address. It also says which one it took.
func serverAddr(flagAddr, dir string, e env) (addr, from string) {
	switch {
	case flagAddr != "":
		return flagAddr, "--addr"
	case e["STEPFOLD_ADDR"] != "":
		return e["STEPFOLD_ADDR"], "STEPFOLD_ADDR"
	}
	if info, ok := readServerInfo(dir); ok {
		return info.Addr, filepath.Join(dir, serverFile)
	}
	return defaultAddr, "the default address; no server is recorded in " + filepath.Join(dir, serverFile)
}

// reach checks that something listens at the address before any load is
// sent, so that a wrong address is one clear error.
func reach(ctx context.Context, c benchConfig) error {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	nc, err := d.DialContext(dctx, "tcp", c.addr)
	if err != nil {
		return fmt.Errorf("no stepfold server at %s (from %s): %w", c.addr, c.from, err)
	}
	return nc.Close()
}

// bench drives a running server: it opens accounts, then sends deposits and
// withdrawals spread over them for a while, then reads them for a while, and
// reports throughput and latency of each phase. With --hot it sends
// concurrent commands to one account instead (benchhot.go).
func bench(ctx context.Context, args []string, stdout, stderr io.Writer, e env) error {
	c, err := parseBench(args, stderr, e)
	if err != nil {
		return err
	}
	if err := reach(ctx, c); err != nil {
		return err
	}
	if c.hot > 0 {
		return benchHot(ctx, c, stdout)
	}
	b := &bencher{cfg: c, run: httpapi.NewID()[:8], conns: make([]conn, c.clients)}
	for i := range b.conns {
		b.conns[i].addr = c.addr
	}
	defer b.close()
	if len(c.rates) > 0 {
		fmt.Fprintf(stdout, "bench %s: open loop, %d accounts, %s per phase, up to %d connections (closed loop, if needed, with %d clients)\n", c.base, c.accounts, c.duration, c.maxConns, c.clients)
	} else {
		fmt.Fprintf(stdout, "bench %s: %d clients, %d accounts, %s per phase\n", c.base, c.clients, c.accounts, c.duration)
	}
	open := b.phase(ctx, func(cl, i int) (bool, int, error) {
		if i >= c.accounts {
			return false, 0, nil
		}
		status, err := b.open(ctx, cl, i)
		return true, status, err
	}, 0)
	report(stdout, "open", open)
	if open.ok == 0 {
		return fmt.Errorf("no account could be opened at %s (statuses %v)%s", c.addr, open.statuses, open.errText())
	}
	if len(c.rates) > 0 {
		return b.benchOpen(ctx, stdout)
	}
	writes := b.phase(ctx, func(cl, i int) (bool, int, error) { s, err := b.transact(ctx, &b.conns[cl], i); return true, s, err }, c.duration)
	report(stdout, "commands", writes)
	if c.reads == 0 {
		return nil
	}
	reads := b.phase(ctx, func(cl, i int) (bool, int, error) { s, err := b.read(ctx, cl, i); return true, s, err }, c.reads)
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
	statuses map[int]int     // 0 counts requests that got no answer
	lat      []time.Duration // of successful requests
	elapsed  time.Duration
	firstErr error // of the requests that got no answer
}

// errText describes the requests that got no answer, if any.
func (r result) errText() string {
	if r.firstErr == nil {
		return ""
	}
	return fmt.Sprintf("; %d got no answer, the first: %v", r.statuses[0], r.firstErr)
}

// phase runs step on every client until it says stop or d passes (d == 0:
// until step says stop). Steps are numbered across clients.
func (b *bencher) phase(ctx context.Context, step func(client, i int) (bool, int, error), d time.Duration) result {
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
			var (
				lat      []time.Duration
				statuses = map[int]int{}
				firstErr error
			)
			for ctx.Err() == nil && (d == 0 || time.Since(start) < d) {
				t := time.Now()
				more, status, err := step(cl, next())
				if !more {
					break
				}
				statuses[status]++
				if err != nil && firstErr == nil {
					firstErr = err
				}
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
			if res.firstErr == nil {
				res.firstErr = firstErr
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.ok = len(res.lat)
	return res
}

func (b *bencher) open(ctx context.Context, cl, i int) (int, error) {
	return b.conns[cl].do(ctx, http.MethodPost, "/accounts", fmt.Sprintf(`{"accountId":%q,"currency":"EUR"}`, b.account(i)))
}

// transact sends command i on c: it deposits twice for every withdrawal,
// so balances stay positive.
func (b *bencher) transact(ctx context.Context, c *conn, i int) (int, error) {
	acc := b.account(rand.IntN(b.cfg.accounts))
	if i%3 == 2 {
		return c.do(ctx, http.MethodPost, "/accounts/"+acc+"/withdrawals", `{"amount":100}`)
	}
	return c.do(ctx, http.MethodPost, "/accounts/"+acc+"/deposits", `{"amount":500,"reference":"bench"}`)
}

func (b *bencher) read(ctx context.Context, cl, i int) (int, error) {
	return b.conns[cl].do(ctx, http.MethodGet, "/accounts/"+b.account(rand.IntN(b.cfg.accounts)), "")
}

func report(w io.Writer, name string, r result) {
	slices.Sort(r.lat)
	rate := float64(r.ok) / r.elapsed.Seconds()
	fmt.Fprintf(w, "%-9s %8d ok in %6.2fs  %9.0f/s  p50 %8s  p99 %8s  max %8s  statuses %v\n",
		name, r.ok, r.elapsed.Seconds(), rate, pct(r.lat, 0.50), pct(r.lat, 0.99), pct(r.lat, 1), r.statuses)
	if r.firstErr != nil {
		fmt.Fprintf(w, "%-9s %8d got no answer, the first: %v\n", name, r.statuses[0], r.firstErr)
	}
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}
