package boltstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
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

// seedBench appends n events to account in appends of 1000.
func seedBench(b *testing.B, s *boltstore.Store, account string, n int) {
	b.Helper()
	for v := 0; v < n; v += 1000 {
		k := min(1000, n-v)
		cmd := fmt.Sprintf("seed-%d", v)
		if _, err := s.Append(context.Background(), account, int64(v), deposits(account, int64(v), k, cmd), cmd, ""); err != nil {
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
		cmd := fmt.Sprintf("c-%d", v)
		if _, err := s.Append(ctx, "acc-1", v, deposits("acc-1", v, 1, cmd), cmd, ""); err != nil {
			b.Fatal(err)
		}
		v++
	}
	reportRate(b, b.N, "appends/s")
}

// BenchmarkAppendConcurrent64 is 64 writers, each appending one event per
// command to its own account; the group commit shares the fsyncs.
func BenchmarkAppendConcurrent64(b *testing.B) {
	s := openBench(b)
	var next atomic.Int64
	b.SetParallelism(max(1, 64/runtimeProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		acc := fmt.Sprintf("acc-%03d", next.Add(1))
		ctx := context.Background()
		for v := int64(0); pb.Next(); v++ {
			cmd := fmt.Sprintf("c-%d", v)
			if _, err := s.Append(ctx, acc, v, deposits(acc, v, 1, cmd), cmd, ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b, b.N, "appends/s")
}

// BenchmarkLoad compares Load of an account at version 10 with one at
// version 100,000, both built before the timer starts.
func BenchmarkLoad(b *testing.B) {
	s := openBench(b)
	seedBench(b, s, "small", 10)
	seedBench(b, s, "large", 100_000)
	for _, c := range []struct{ name, account string }{{"v=10", "small"}, {"v=100000", "large"}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := s.Load(ctx, c.account); err != nil {
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
		for i, account := range []string{"small", "large"} {
			start := time.Now()
			if _, err := s.Load(ctx, account); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(start)
		}
	}
	b.ReportMetric(float64(took[0].Nanoseconds())/float64(b.N), "ns/load-v10")
	b.ReportMetric(float64(took[1].Nanoseconds())/float64(b.N), "ns/load-v100000")
	b.ReportMetric(float64(took[1])/float64(took[0]), "ratio")
}

// BenchmarkReplay folds 100,000 stored events: "fold" times events.Replay
// alone over events read before the timer, "read+fold" times reading them
// from the store too.
func BenchmarkReplay(b *testing.B) {
	const n = 100_000
	s := openBench(b)
	seedBench(b, s, "acc-1", n)
	evs := readAllBench(b, s, "acc-1")
	b.Run("fold", func(b *testing.B) {
		for b.Loop() {
			replayBench(b, evs)
		}
		reportRate(b, b.N*n, "events/s")
	})
	b.Run("read+fold", func(b *testing.B) {
		for b.Loop() {
			replayBench(b, readAllBench(b, s, "acc-1"))
		}
		reportRate(b, b.N*n, "events/s")
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			readAllBench(b, s, "acc-1")
		}
		reportRate(b, b.N*n, "events/s")
	})
}

func replayBench(b *testing.B, evs []events.Event) {
	if st, err := events.Replay(events.State{}, evs); err != nil || st.Version != int64(len(evs)) {
		b.Fatalf("Replay: version %d, %v", st.Version, err)
	}
}

func readAllBench(b *testing.B, s *boltstore.Store, account string) []events.Event {
	all := make([]events.Event, 0, 100_000)
	for {
		page, err := s.Read(context.Background(), account, int64(len(all))+1, events.MaxReadLimit)
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
		cmd := fmt.Sprintf("c-%d", v)
		if _, err := s.Append(ctx, "acc-1", v, deposits("acc-1", v, 1000, cmd), cmd, ""); err != nil {
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

// BenchmarkPut is one writer storing read-model states over 1000 accounts:
// fsynced (the default), each Put its own commit, and WithoutSync, the way
// the local server keeps its read model, where Put is write-behind.
// cpu-ns/op counts the flusher and the final Close too.
func BenchmarkPut(b *testing.B) {
	for _, bc := range putModes() {
		b.Run(bc.name, func(b *testing.B) {
			s := openBench(b, bc.opts...)
			ctx := context.Background()
			v := int64(0)
			start := cpuTime()
			for b.Loop() {
				v++
				st := events.State{Account: fmt.Sprintf("acc-%d", v%1000), Version: v, Status: events.StatusOpen, Currency: "EUR", Balance: v}
				if _, err := s.Put(ctx, st); err != nil {
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
// accounts at once, as the server's request handlers do: fsynced and
// WithoutSync. A Put that loses to a newer state of its account is not an
// error. cpu-ns/op counts the flusher and the final Close too.
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
					st := events.State{Account: fmt.Sprintf("acc-%d", v%1000), Version: v, Status: events.StatusOpen, Currency: "EUR", Balance: v}
					if _, err := s.Put(ctx, st); err != nil {
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
