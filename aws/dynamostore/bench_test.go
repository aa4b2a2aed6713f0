package dynamostore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// The figures are DynamoDB Local's (an emulator on this machine), not AWS's.

// BenchmarkAppend appends one event per command to one stream: a Query of
// the latest item and a TransactWriteItems each.
func BenchmarkAppend(b *testing.B) {
	s := newTestStore(b)
	ctx := context.Background()
	v := int64(0)
	for b.Loop() {
		if _, err := s.Append(ctx, batchOf("s", v, 1, fmt.Sprint("c", v+1))); err != nil {
			b.Fatal(err)
		}
		v++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkAppendParallel appends from many goroutines, one stream each.
func BenchmarkAppendParallel(b *testing.B) {
	s := newTestStore(b)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		stream := fmt.Sprint("s-", next.Add(1))
		v := int64(0)
		for pb.Next() {
			if _, err := s.Append(ctx, batchOf(stream, v, 1, fmt.Sprint("c", v+1))); err != nil {
				b.Error(err)
				return
			}
			v++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkLoad loads a stream of 1,009 events: one Query of 10 items.
func BenchmarkLoad(b *testing.B) {
	s := newTestStore(b)
	ctx := context.Background()
	for v := int64(0); v < 1009; v += MaxEvents {
		n := int(min(MaxEvents, 1009-v))
		if _, err := s.Append(ctx, batchOf("s", v, n, fmt.Sprint("seed-", v))); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		h, err := s.Load(ctx, "s")
		if err != nil || h.Snapshot.Version != 1000 || len(h.Events) != 9 {
			b.Fatalf("Load = snapshot %d, %d events, %v", h.Snapshot.Version, len(h.Events), err)
		}
	}
}
