package boltstore_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
)

// openBench opens a fresh store for a benchmark.
func openBench(b *testing.B, opts ...boltstore.Option) *boltstore.Store {
	b.Helper()
	s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// benchData is the data of the benchmarks' events, of the size of a
// typical event's.
type benchData struct {
	Amount int64 `json:"amount"`
}

// EventType implements events.Data.
func (benchData) EventType() string { return "ItemsCounted" }

// benchState is what the benchmarks' snapshots and read-model states
// hold: as many bytes as a small domain's state.
type benchState struct {
	Stream  string `json:"stream"`
	Version int64  `json:"version"`
	Status  string `json:"status"`
	Unit    string `json:"unit"`
	Total   int64  `json:"total"`
}

// benchSnapshot encodes the state of stream at version v, as the tasks do
// before they hand it to the store.
func benchSnapshot(stream string, v int64) events.Snapshot {
	state, _ := json.Marshal(benchState{Stream: stream, Version: v, Status: "open", Unit: "EUR", Total: 10 * v}) // strings and ints always encode
	return events.Snapshot{Version: v, State: state, LastOccurredAt: benchTime}
}

var benchTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// benchBatch is the append of n events to stream after expected, as
// command cmd, with the snapshots they reach.
func benchBatch(stream string, expected int64, n int, cmd string) events.Batch {
	evs := make([]events.Event, n)
	for i := range evs {
		v := expected + int64(i) + 1
		evs[i] = events.Event{ID: events.EventID(stream, v), Stream: stream, Version: v, Type: "ItemsCounted",
			SchemaVersion: 1, OccurredAt: benchTime, CommandID: cmd, Data: json.RawMessage(`{"amount":10}`)}
	}
	batch := events.Batch{Stream: stream, Expected: expected, Events: evs, CommandID: cmd}
	for v := expected + 1; v <= expected+int64(n); v++ {
		if events.SnapshotDue(v) {
			batch.Snapshots = append(batch.Snapshots, benchSnapshot(stream, v))
		}
	}
	return batch
}

// seedBench appends n events to stream in appends of 1000.
func seedBench(b *testing.B, s *boltstore.Store, stream string, n int) {
	b.Helper()
	for v := 0; v < n; v += 1000 {
		k := min(1000, n-v)
		if _, err := s.Append(context.Background(), benchBatch(stream, int64(v), k, fmt.Sprintf("seed-%d", v))); err != nil {
			b.Fatal(err)
		}
	}
}

func reportRate(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit)
}

// reportCPU reports the CPU time the process used per op since start (a
// cpuTime reading), background goroutines such as a flusher included,
// which ns/op leaves out.
func reportCPU(b *testing.B, start time.Duration) {
	if end := cpuTime(); start >= 0 && end >= 0 {
		b.ReportMetric(float64((end-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkAppendSerial is one writer appending one event per command:
// every append is its own durable commit.
func BenchmarkAppendSerial(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	v := int64(0)
	for b.Loop() {
		if _, err := s.Append(ctx, benchBatch("s-1", v, 1, fmt.Sprintf("c-%d", v))); err != nil {
			b.Fatal(err)
		}
		v++
	}
	reportRate(b, b.N, "appends/s")
}

// BenchmarkAppendConcurrent64 is 64 writers, each appending one event per
// command to its own stream; the group commit shares the fsyncs. Every
// tenth append carries the snapshot it reaches, encoded by the writer.
func BenchmarkAppendConcurrent64(b *testing.B) {
	s := openBench(b)
	var next atomic.Int64
	b.SetParallelism(max(1, 64/runtimeProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		stream := fmt.Sprintf("s-%03d", next.Add(1))
		ctx := context.Background()
		for v := int64(0); pb.Next(); v++ {
			if _, err := s.Append(ctx, benchBatch(stream, v, 1, fmt.Sprintf("c-%d", v))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b, b.N, "appends/s")
}

// BenchmarkLoad compares Load of a stream at version 10 with one at
// version 100,000, both built before the timer starts.
func BenchmarkLoad(b *testing.B) {
	s := openBench(b)
	seedBench(b, s, "small", 10)
	seedBench(b, s, "large", 100_000)
	for _, c := range []struct{ name, stream string }{{"v=10", "small"}, {"v=100000", "large"}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := s.Load(ctx, c.stream); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("interleaved", func(b *testing.B) { benchLoadInterleaved(b, s) })
}

// benchLoadInterleaved alternates the two Loads, timing each, so that both
// see the same load on a shared machine; it reports each one's mean and
// their ratio.
func benchLoadInterleaved(b *testing.B, s *boltstore.Store) {
	ctx := context.Background()
	var took [2]time.Duration
	for b.Loop() {
		for i, stream := range []string{"small", "large"} {
			start := time.Now()
			if _, err := s.Load(ctx, stream); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(took[0].Nanoseconds())/float64(b.N), "ns/load-v10")
	b.ReportMetric(float64(took[1].Nanoseconds())/float64(b.N), "ns/load-v100000")
	b.ReportMetric(float64(took[1])/float64(took[0]), "ratio")
}

// BenchmarkReplay folds 100,000 stored events: "fold" times decoding each
// one's data through its events.EventDef and summing it, over events read
// before the timer, "read+fold" times reading them from the store too.
func BenchmarkReplay(b *testing.B) {
	const n = 100_000
	s := openBench(b)
	seedBench(b, s, "s-1", n)
	evs := readAllBench(b, s, "s-1")
	b.Run("fold", func(b *testing.B) {
		for b.Loop() {
			replayBench(b, evs)
		}
		reportRate(b, b.N*n, "events/s")
	})
	b.Run("read+fold", func(b *testing.B) {
		for b.Loop() {
			replayBench(b, readAllBench(b, s, "s-1"))
		}
		reportRate(b, b.N*n, "events/s")
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			readAllBench(b, s, "s-1")
		}
		reportRate(b, b.N*n, "events/s")
	})
}

func replayBench(b *testing.B, evs []events.Event) {
	def := events.Def[benchData]()
	total := int64(0)
	for _, e := range evs {
		f, err := def.Read(e)
		if err != nil {
			b.Fatal(err)
		}
		total += f.Data.(benchData).Amount
	}
	if total != 10*int64(len(evs)) {
		b.Fatalf("the fold sums to %d over %d events", total, len(evs))
	}
}

func readAllBench(b *testing.B, s *boltstore.Store, stream string) []events.Event {
	all := make([]events.Event, 0, 100_000)
	for {
		page, err := s.Read(context.Background(), stream, int64(len(all))+1, events.MaxReadLimit)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < events.MaxReadLimit {
			return all
		}
	}
}

// BenchmarkSeed1000 appends 1000 events per command.
func BenchmarkSeed1000(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	start := time.Now()
	v := int64(0)
	for b.Loop() {
		if _, err := s.Append(ctx, benchBatch("s-1", v, 1000, fmt.Sprintf("c-%d", v))); err != nil {
			b.Fatal(err)
		}
		v += 1000
	}
	b.ReportMetric(float64(v)/time.Since(start).Seconds(), "events/s")
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkBaselineBoltUpdate is a plain fsynced bbolt Update of one
// 100-byte record: the reference the append figures compare with, measured
// in the same run on the same (shared, noisy) disk.
func BenchmarkBaselineBoltUpdate(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "baseline.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	i := uint64(0)
	for b.Loop() {
		i++
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("baseline"))
			if err != nil {
				return err
			}
			return bk.Put(binary.BigEndian.AppendUint64(nil, i), make([]byte, 100))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, b.N, "tx/s")
}

// putMode is a way of opening the store that the Put benchmarks compare.
type putMode struct {
	name string
	opts []boltstore.Option
}

// putModes are the store's two modes: fsynced, and WithoutSync.
func putModes() []putMode {
	return []putMode{{"synced", nil}, {"without-sync", []boltstore.Option{boltstore.WithoutSync()}}}
}

// BenchmarkPut is one writer storing read-model states over 1000 streams:
// fsynced (the default), each Put its own commit, and WithoutSync, the way
// the local server keeps its read model, where Put is write-behind. Each
// op encodes its state too, as the caller does (the store once did it
// inside Put). cpu-ns/op counts the flusher and the final Close too.
func BenchmarkPut(b *testing.B) {
	for _, bc := range putModes() {
		b.Run(bc.name, func(b *testing.B) {
			s := openBench(b, bc.opts...)
			ctx := context.Background()
			v := int64(0)
			start := cpuTime()
			for b.Loop() {
				v++
				stream := fmt.Sprintf("s-%d", v%1000)
				if _, err := s.Put(ctx, stream, benchSnapshot(stream, v)); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, b.N, "puts/s")
			closeBench(b, s)
			reportCPU(b, start)
		})
	}
}

// BenchmarkPutParallel is many writers storing read-model states over 1000
// streams at once, as the server's request handlers do: fsynced and
// WithoutSync, each op encoding its state. A Put that loses to a newer
// state of its stream is not an error. cpu-ns/op counts the flusher and
// the final Close too.
func BenchmarkPutParallel(b *testing.B) {
	for _, bc := range putModes() {
		b.Run(bc.name, func(b *testing.B) {
			s := openBench(b, bc.opts...)
			var next atomic.Int64
			start := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					v := next.Add(1)
					stream := fmt.Sprintf("s-%d", v%1000)
					if _, err := s.Put(ctx, stream, benchSnapshot(stream, v)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportRate(b, b.N, "puts/s")
			closeBench(b, s)
			reportCPU(b, start)
		})
	}
}

// closeBench closes s, so that the work Close does counts as well.
func closeBench(b *testing.B, s *boltstore.Store) {
	b.Helper()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}
