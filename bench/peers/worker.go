package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// measurement is what a worker prints as its one line of JSON: the ops
// that finished in the timed window, the window's length, the CPU time
// the process used during it (user and system), and the time those ops
// took, added up.
type measurement struct {
	Ops         int64   `json:"ops"`
	Seconds     float64 `json:"seconds"`
	CPUSeconds  float64 `json:"cpuSeconds"`
	BusySeconds float64 `json:"busySeconds,omitempty"`
}

// workerConfig is a worker's command line.
type workerConfig struct {
	engine, workload string
	duration, warmup time.Duration
	concurrency      int
	testdata, dir    string
	cpuProfile       string // file for a CPU profile of the timed window
}

// op is one unit of a workload, for one goroutine; a workload makes one
// per goroutine, so each can keep its own state (an account, a version).
type op func(ctx context.Context) error

// workload sets a workload up and returns its per-goroutine ops, checked
// once each before the clock starts, and what to release afterwards.
type workload func(ctx context.Context, c workerConfig) (newOp func(i int) op, closeFn func() error, err error)

// worker runs one engine's side of one comparison and prints its
// measurement: "peers worker ENGINE WORKLOAD [flags]".
func worker(args []string, stdout, stderr io.Writer) int {
	c, err := parseWorker(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "peers worker:", err)
		return 2
	}
	m, err := runWorker(context.Background(), c)
	if err != nil {
		fmt.Fprintf(stderr, "peers worker %s %s: %v\n", c.engine, c.workload, err)
		return 1
	}
	if err := json.NewEncoder(stdout).Encode(m); err != nil {
		return 1
	}
	return 0
}

func parseWorker(args []string, stderr io.Writer) (workerConfig, error) {
	var c workerConfig
	if len(args) < 2 {
		return c, errors.New("want ENGINE WORKLOAD")
	}
	c.engine, c.workload = args[0], args[1]
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "timed window")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "untimed run before the window")
	fs.IntVar(&c.concurrency, "concurrency", 64, "goroutines")
	fs.StringVar(&c.testdata, "testdata", "testdata", "directory of the definitions and fixtures")
	fs.StringVar(&c.dir, "dir", "", "directory for store files (default: a fresh temporary one)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed window to this file (go tool pprof reads it)")
	if err := fs.Parse(args[2:]); err != nil {
		return c, err
	}
	if c.duration <= 0 || c.warmup < 0 || c.concurrency < 1 {
		return c, errors.New("-duration must be positive, -warmup not negative, -concurrency at least 1")
	}
	return c, nil
}

// workloadNames are the Go sides of the comparisons, as engine/workload.
func workloadNames() []string {
	return []string{"stepfold/account", "stepfold/choice10", "stepfold/map100", "stepfold/appends", "stepfold/load", "hallgren/appends", "hallgren/load"}
}

// workloadFor returns the Go side named engine/workload.
func workloadFor(name string) (workload, bool) {
	switch name {
	case "stepfold/account":
		return interpWorkload(accountCase), true
	case "stepfold/choice10":
		return interpWorkload(choiceCase), true
	case "stepfold/map100":
		return interpWorkload(mapCase), true
	case "stepfold/appends":
		return ourAppends, true
	case "stepfold/load":
		return ourLoad, true
	case "hallgren/appends":
		return theirAppends, true
	case "hallgren/load":
		return theirLoad, true
	}
	return nil, false
}

// cut splits "engine/workload".
func cut(name string) (engine, workload string, ok bool) { return strings.Cut(name, "/") }

func runWorker(ctx context.Context, c workerConfig) (measurement, error) {
	w, ok := workloadFor(c.engine + "/" + c.workload)
	if !ok {
		return measurement{}, fmt.Errorf("no workload %s for engine %s", c.workload, c.engine)
	}
	if c.dir == "" {
		dir, err := os.MkdirTemp("", "peers-")
		if err != nil {
			return measurement{}, err
		}
		defer os.RemoveAll(dir)
		c.dir = dir
	}
	newOp, closeFn, err := w(ctx, c)
	if err != nil {
		return measurement{}, err
	}
	m, err := measure(ctx, c, newOp)
	return m, errors.Join(err, closeFn())
}

// measure runs c.concurrency goroutines, each repeating its op, for the
// warm-up and then the timed window, and counts the ops that finish in
// the window and the time they took. Each goroutine's op is run once,
// and must succeed, first.
func measure(ctx context.Context, c workerConfig, newOp func(i int) op) (measurement, error) {
	ops := make([]op, c.concurrency)
	for i := range ops {
		ops[i] = newOp(i)
		if err := ops[i](ctx); err != nil {
			return measurement{}, fmt.Errorf("first op: %w", err)
		}
	}
	var (
		counting, stop atomic.Bool
		done, busy     atomic.Int64
		firstErr       error
		once           sync.Once
		wg             sync.WaitGroup
	)
	for _, o := range ops {
		wg.Go(func() {
			for !stop.Load() {
				start := time.Now()
				if err := o(ctx); err != nil {
					once.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				if counting.Load() {
					done.Add(1)
					busy.Add(int64(time.Since(start)))
				}
			}
		})
	}
	time.Sleep(c.warmup)
	stopProfile, err := startProfile(c.cpuProfile)
	if err != nil {
		stop.Store(true)
		wg.Wait()
		return measurement{}, err
	}
	cpu0, t0 := cpuTime(), time.Now()
	counting.Store(true)
	time.Sleep(c.duration)
	counting.Store(false)
	cpu1, t1 := cpuTime(), time.Now()
	stop.Store(true)
	wg.Wait()
	return measurement{Ops: done.Load(), Seconds: t1.Sub(t0).Seconds(), CPUSeconds: (cpu1 - cpu0).Seconds(),
		BusySeconds: time.Duration(busy.Load()).Seconds()}, errors.Join(firstErr, stopProfile())
}

// startProfile starts a CPU profile into file, if one is named, and
// returns what stops it and closes the file.
func startProfile(file string) (func() error, error) {
	if file == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
