package eventbus

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// BenchmarkPublish publishes one event per call from 64 goroutines, as
// concurrent commands do, with the default rules: every event goes to the
// archive and a third of them to the notifier, both in-process targets
// that take it at once. An op is one Publish and its deliveries, which the
// benchmark waits for; cpu-ns/op counts every goroutine's CPU, the
// workers' and the sync's included.
func BenchmarkPublish(b *testing.B) {
	var delivered atomic.Int64
	take := Func(func(context.Context, []byte) error { delivered.Add(1); return nil })
	bus, err := New(b.TempDir(), realRules(b), WithTarget("notify", take, &memDLQ{}), WithTarget("archive", take, &memDLQ{}))
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	types := []string{"FundsDeposited", "FundsDeposited", "FundsWithdrawn"}
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ReportAllocs()
	cpu := processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			acc := fmt.Sprintf("acc-%d", i%1000)
			e := events.Event{ID: events.EventID(acc, i), Stream: acc, Version: i, Type: types[i%3], SchemaVersion: 1,
				OccurredAt: t0, RecordedAt: t0, CommandID: fmt.Sprintf("c-%d", i), Data: []byte(`{"amount":500,"reference":"bench"}`)}
			if err := bus.Publish(context.Background(), []events.Event{e}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	want := n.Load() + n.Load()/3
	for delivered.Load() < want {
		time.Sleep(100 * time.Microsecond)
	}
	b.ReportMetric(float64(processCPU(b)-cpu)/float64(b.N), "cpu-ns/op")
	b.StopTimer()
	if err := bus.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// processCPU is the CPU time the process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
