package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

// BenchmarkCommand runs deposits through the whole local system (state
// machine, tasks, bbolt, bus, archive, notifier) without HTTP, spread over
// 1000 accounts: one at a time, and from GOMAXPROCS×4 goroutines.
func BenchmarkCommand(b *testing.B) {
	b.Run("serial", func(b *testing.B) { benchCommand(b, 0) })
	b.Run("parallel", func(b *testing.B) { benchCommand(b, 4) })
}

// benchCommand runs the commands on one goroutine (parallelism 0) or on
// b.RunParallel with that parallelism.
func benchCommand(b *testing.B, parallelism int) {
	a, err := openApp(appConfig{data: b.TempDir(), history: 1000, log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.close(context.Background()) })
	ctx := context.Background()
	const accounts = 1000
	for i := range accounts {
		cmd := account.Command{Type: account.OpenAccount, AccountID: fmt.Sprintf("acc-%d", i), CommandID: fmt.Sprintf("open-%d", i), Currency: "EUR"}
		if o, err := runBank(ctx, a, cmd); err != nil || !o.Succeeded {
			b.Fatalf("open: %v %+v", err, o)
		}
	}
	var n atomic.Int64
	deposit := func() {
		i := n.Add(1)
		cmd := account.Command{Type: account.Deposit, AccountID: fmt.Sprintf("acc-%d", i%accounts), CommandID: fmt.Sprintf("dep-%d", i), Amount: 100}
		o, err := runBank(ctx, a, cmd)
		if err != nil {
			b.Fatal(err)
		}
		if !o.Succeeded && o.Error != string(events.CodeVersionConflict) {
			b.Fatalf("deposit: %s %s", o.Error, o.Cause)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime(b)
	if parallelism == 0 {
		for b.Loop() {
			deposit()
		}
	} else {
		b.SetParallelism(parallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				deposit()
			}
		})
	}
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time this process has used, user and system. Wall
// time on a shared 2-core machine swings with the neighbours; CPU time per
// command is the steadier figure to compare.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGET reads accounts over HTTP from 64 connections, through the
// bench client: "account" is GET /accounts/{id} on the whole app, "floor"
// a handler that answers every request with the same body of that size.
// Their ratio, taken in one run, is the share of a GET that is HTTP.
func BenchmarkGET(b *testing.B) {
	a, url := newTestApp(b, b.TempDir(), nil)
	ctx := context.Background()
	open := account.Command{Type: account.OpenAccount, AccountID: "acc-1", CommandID: "open-1", Currency: "EUR"}
	if o, err := runBank(ctx, a, open); err != nil || !o.Succeeded {
		b.Fatalf("open: %v %+v", err, o)
	}
	status, body := call(b, http.MethodGet, url+"/accounts/acc-1", "")
	if status != http.StatusOK {
		b.Fatalf("GET: %d %v", status, body)
	}
	fixed, _ := json.Marshal(body)
	floor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixed)
	}))
	b.Cleanup(floor.Close)
	b.Run("floor", func(b *testing.B) { benchGET(b, floor.URL) })
	b.Run("account", func(b *testing.B) { benchGET(b, url) })
}

// benchGET sends GET /accounts/acc-1 to base from 64 connections, and
// reports the median and 99th percentile of the round trips next to the
// rate: with 64 clients in a closed loop, latency is the figure a target
// names.
func benchGET(b *testing.B, base string) {
	addr := strings.TrimPrefix(base, "http://")
	b.SetParallelism(64 / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	var (
		mu  sync.Mutex
		lat []time.Duration
	)
	cpu := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		c := conn{addr: addr}
		defer c.close()
		var mine []time.Duration
		defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
		for pb.Next() {
			t := time.Now()
			if status, err := c.do(context.Background(), http.MethodGet, "/accounts/acc-1", ""); err != nil || status != http.StatusOK {
				b.Errorf("GET: status %d, %v", status, err)
				return
			}
			mine = append(mine, time.Since(t))
		}
	})
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
	slices.Sort(lat)
	b.ReportMetric(float64(pct(lat, 0.50)), "p50-ns")
	b.ReportMetric(float64(pct(lat, 0.99)), "p99-ns")
}
