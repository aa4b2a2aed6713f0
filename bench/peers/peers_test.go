package main

import (
	"context"
	"testing"
	"time"
)

// TestWorkloads runs every Go side for a moment: each workload's op must
// succeed (an execution must end with the expected output, a load must
// find the whole history) and some must finish in the window, but for
// the peer's load, whose one op can take longer than the window.
func TestWorkloads(t *testing.T) {
	for _, name := range workloadNames() {
		t.Run(name, func(t *testing.T) {
			engine, workload, _ := cut(name)
			c := workerConfig{engine: engine, workload: workload, duration: 200 * time.Millisecond, concurrency: 2, testdata: "testdata", dir: t.TempDir()}
			m, err := runWorker(context.Background(), c)
			if err != nil || m.Ops == 0 && name != "hallgren/load" || m.Seconds <= 0 || m.CPUSeconds <= 0 {
				t.Fatalf("%+v, %v; want ops in the window", m, err)
			}
		})
	}
}

func TestShow(t *testing.T) {
	rate, perOp := comparison{}, comparison{perOp: true}
	tests := []struct {
		r    comparison
		v    float64
		want string
	}{
		{rate, 14477.4, "14,477"},
		{rate, 492, "492"},
		{rate, 1234567, "1,234,567"},
		{perOp, 3.3e-6, "3.3µs"},
		{perOp, 0.31234, "312ms"},
		{perOp, 2.5, "2.5s"},
	}
	for _, tt := range tests {
		if got := show(tt.r, tt.v); got != tt.want {
			t.Errorf("show(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if got := showRatio(25.4); got != "25" {
		t.Errorf("showRatio(25.4) = %q", got)
	}
	if got := showRatio(1.94); got != "1.9" {
		t.Errorf("showRatio(1.94) = %q", got)
	}
}

// TestPairRatios: each round's ratio is of that round's two figures, and
// for a time per op the peer's over ours.
func TestPairRatios(t *testing.T) {
	f := func(ops int64, secs, busy float64) figure {
		return figure{measurement{Ops: ops, Seconds: secs, BusySeconds: busy}}
	}
	rate := comparison{}
	got := pairRatios(rate, []figure{f(300, 1, 0), f(100, 1, 0)}, []figure{f(100, 1, 0), f(100, 1, 0)})
	if len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("rates: %v, want [1 3]", got)
	}
	got = pairRatios(comparison{perOp: true}, []figure{f(10, 1, 1)}, []figure{f(1, 1, 2)})
	if len(got) != 1 || got[0] != 20 {
		t.Errorf("times per op: %v, want [20]", got)
	}
}
