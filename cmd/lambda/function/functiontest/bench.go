//go:build linux

package functiontest

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stepfold/stepfold/internal/lambdarie"
)

// EnvBenchBootstrap names a bootstrap for the benchmarks to run instead of
// building one, for comparing two builds in one run.
const EnvBenchBootstrap = "STEPFOLD_BENCH_BOOTSTRAP"

// BenchDeployment is NewDeployment, with the bootstrap that
// STEPFOLD_BENCH_BOOTSTRAP names when it is set.
func BenchDeployment(b *testing.B, pkg string) *Deployment {
	b.Helper()
	d := NewDeployment(b, pkg)
	if p := os.Getenv(EnvBenchBootstrap); p != "" {
		d.Bootstrap = p
	}
	return d
}

// Payloads returns the payload of the next invocation of a task's
// function. Each call may move the workload on (a new command to persist,
// say).
type Payloads func(tb testing.TB, task string) []byte

// BenchInit starts a fresh function for each of the tasks, once per
// iteration, and reports the emulator's init duration (from starting the
// bootstrap until it asks for its first invocation: init-ms is the mean,
// init-p50-ms and init-max-ms the median and the slowest) and the first
// invocation's round trip, init included (cold-ms). ns/op also counts
// starting and stopping the emulator.
func BenchInit(b *testing.B, d *Deployment, tasks []string, next Payloads) {
	for _, task := range tasks {
		b.Run(task, func(b *testing.B) {
			var inits, colds []time.Duration
			for b.Loop() {
				f := lambdarie.Start(b, d.Bootstrap, d.EnvFor(task))
				payload := next(b, task)
				start := time.Now()
				invoke(b, f, task, payload)
				colds = append(colds, time.Since(start))
				init, ok := f.InitDuration()
				if !ok {
					b.Fatalf("no init report:\n%s", f.Log())
				}
				inits = append(inits, init)
				f.Stop()
			}
			reportDurations(b, "init", inits)
			b.ReportMetric(ms(mean(colds)), "cold-ms")
		})
	}
}

// BenchInvoke invokes one warm function per task, as the state machine and
// API Gateway would, against DynamoDB Local and the PutEvents endpoint.
// ns/op is the round trip through the emulator (making the payload is
// left out); function-ms is the emulator's own Duration of each
// invocation, its mean.
func BenchInvoke(b *testing.B, d *Deployment, tasks []string, next Payloads) {
	for _, task := range tasks {
		b.Run(task, func(b *testing.B) {
			f := d.Function(b, task)
			invoke(b, f, task, next(b, task)) // the init, and a first call
			for b.Loop() {
				b.StopTimer()
				payload := next(b, task)
				b.StartTimer()
				invoke(b, f, task, payload)
			}
			reports := f.Reports(b.N + 1)
			if len(reports) != b.N+1 {
				b.Fatalf("%d reports for %d invocations", len(reports), b.N+1)
			}
			var durations []time.Duration
			for _, r := range reports[1:] {
				durations = append(durations, r.Duration)
			}
			b.ReportMetric(ms(mean(durations)), "function-ms")
		})
	}
}

// BenchSize builds the Lambda main package pkg as `make lambdas` does,
// for linux/arm64, and reports the bootstrap's size (ns/op is the build).
func BenchSize(b *testing.B, pkg string) {
	for b.Loop() {
		fi, err := os.Stat(lambdarie.BuildArch(b, pkg, "arm64"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size()), "bytes")
		b.ReportMetric(float64(fi.Size())/1e6, "MB")
	}
}

// invoke sends payload to f, the function of task, and fails b unless it
// succeeds.
func invoke(b *testing.B, f *lambdarie.Function, task string, payload []byte) {
	b.Helper()
	if out, err := f.Invoke(context.Background(), payload); err != nil {
		b.Fatalf("%s %s: %s, %v", task, payload, out, err)
	}
}

// reportDurations reports the mean, median and slowest of ds as
// <name>-ms, <name>-p50-ms and <name>-max-ms.
func reportDurations(b *testing.B, name string, ds []time.Duration) {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	b.ReportMetric(ms(mean(ds)), name+"-ms")
	b.ReportMetric(ms(sorted[len(sorted)/2]), name+"-p50-ms")
	b.ReportMetric(ms(sorted[len(sorted)-1]), name+"-max-ms")
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(len(ds), 1))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
