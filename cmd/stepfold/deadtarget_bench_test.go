package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/rules"
)

// Load of the dead-target benchmark: 64 clients in a closed loop, spread
// over 1000 accounts, as `stepfold bench --clients 64` sends.
const (
	loadClients  = 64
	loadAccounts = 1000
)

// BenchmarkDeadWebhook runs the 64-client command load over HTTP against
// two apps side by side: "none" has the default rules; "dead" has, besides
// them, a rule that sends every event to a webhook whose port refuses
// connections. Each iteration runs one phase on each, in alternating order,
// so both share the machine's moods. It reports both rates and dead/none,
// the share of the throughput a dead subscriber leaves to the writers.
//
//	go test -run '^$' -bench DeadWebhook -benchtime 4x ./cmd/stepfold/
//
// STEPFOLD_BENCH_PHASE sets the length of a phase (default 3s).
func BenchmarkDeadWebhook(b *testing.B) {
	phase := benchPhase(b)
	apps := map[string]*loadTarget{
		"none": newLoadTarget(b, nil),
		"dead": newLoadTarget(b, map[string]string{"hook": refusingURL(b)}),
	}
	rate := map[string]float64{}
	pairs := 0
	for b.Loop() {
		order := []string{"none", "dead"}
		if pairs%2 == 1 {
			order = []string{"dead", "none"}
		}
		for _, name := range order {
			r := apps[name].run(b, phase)
			rate[name] += r
			b.Logf("pair %d %s: %.0f commands/s", pairs+1, name, r)
		}
		pairs++
	}
	b.ReportMetric(rate["none"]/float64(pairs), "none-cmds/s")
	b.ReportMetric(rate["dead"]/float64(pairs), "dead-cmds/s")
	b.ReportMetric(rate["dead"]/rate["none"], "dead/none")
}

func benchPhase(b *testing.B) time.Duration {
	v := os.Getenv("STEPFOLD_BENCH_PHASE")
	if v == "" {
		return 3 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("STEPFOLD_BENCH_PHASE=%q: want a positive duration", v)
	}
	return d
}

// refusingURL returns a URL on a local port that nothing listens on.
func refusingURL(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		b.Fatal(err)
	}
	return "http://" + addr + "/events"
}

// loadTarget is an app under the command load.
type loadTarget struct {
	addr  string
	conns []conn
}

// newLoadTarget opens an app whose rules also route every event to each
// of webhooks, and opens the accounts of the load.
func newLoadTarget(b *testing.B, webhooks map[string]string) *loadTarget {
	text := rulesWith(b, webhooks)
	_, url := newTestApp(b, b.TempDir(), func(c *appConfig) {
		c.clock = nil // the real clock, as serve runs
		c.webhooks = webhooks
		c.rules = map[string][]byte{"stepfold.accounts": text}
	})
	lt := &loadTarget{addr: strings.TrimPrefix(url, "http://"), conns: make([]conn, loadClients)}
	for i := range lt.conns {
		lt.conns[i].addr = lt.addr
	}
	b.Cleanup(func() {
		for i := range lt.conns {
			lt.conns[i].close()
		}
	})
	var next atomic.Int64
	lt.each(func(c *conn) bool {
		i := next.Add(1) - 1
		if i >= loadAccounts {
			return false
		}
		body := fmt.Sprintf(`{"accountId":"load-%d","currency":"EUR"}`, i)
		if status, err := c.do(context.Background(), http.MethodPost, "/accounts", body); err != nil || status != http.StatusCreated {
			b.Errorf("open load-%d: %d %v", i, status, err)
			return false
		}
		return true
	})
	return lt
}

// rulesWith returns the default rules file with one more rule per webhook,
// matching every account event.
func rulesWith(tb testing.TB, webhooks map[string]string) []byte {
	set, err := rules.Parse(account.Domain{}.Info().Rules)
	if err != nil {
		tb.Fatal(err)
	}
	for name := range webhooks {
		set.Rules = append(set.Rules, rules.Rule{Name: "all-to-" + name, Target: name,
			EventPattern: json.RawMessage(fmt.Sprintf(`{"source":[%q]}`, set.Source))})
	}
	text, err := json.Marshal(set)
	if err != nil {
		tb.Fatal(err)
	}
	return text
}

// each runs step on every client's connection until it returns false.
func (lt *loadTarget) each(step func(c *conn) bool) {
	var wg sync.WaitGroup
	for i := range lt.conns {
		wg.Go(func() {
			for step(&lt.conns[i]) {
			}
		})
	}
	wg.Wait()
}

// run sends deposits and withdrawals (two for one) for d and returns the
// rate of commands answered 2xx.
func (lt *loadTarget) run(b *testing.B, d time.Duration) float64 {
	var (
		ok       atomic.Int64
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	start := time.Now()
	lt.each(func(c *conn) bool {
		if time.Since(start) >= d {
			return false
		}
		path, body := "/accounts/load-%d/deposits", `{"amount":500}`
		if rand.IntN(3) == 2 {
			path, body = "/accounts/load-%d/withdrawals", `{"amount":100}`
		}
		status, err := c.do(context.Background(), http.MethodPost, fmt.Sprintf(path, rand.IntN(loadAccounts)), body)
		if err == nil && status/100 == 2 {
			ok.Add(1)
			return true
		}
		mu.Lock()
		statuses[status]++ // 0: no answer
		mu.Unlock()
		return true
	})
	elapsed := time.Since(start)
	if len(statuses) > 0 {
		b.Logf("%s: answers other than 2xx, by status: %v", lt.addr, statuses)
	}
	return float64(ok.Load()) / elapsed.Seconds()
}
