//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/internal/lambdarie"
)

// envBenchBootstrap names a bootstrap for the emulator benchmarks to run
// instead of building one, for comparing two builds in one run.
const envBenchBootstrap = "STEPFOLD_BENCH_BOOTSTRAP"

// benchDeployment is newDeployment, with the bootstrap of
// STEPFOLD_BENCH_BOOTSTRAP when it is set.
func benchDeployment(b *testing.B) *deployment {
	b.Helper()
	d := newDeployment(b)
	if p := os.Getenv(envBenchBootstrap); p != "" {
		d.bootstrap = p
	}
	return d
}

// BenchmarkInit starts a fresh function for each task, once per
// iteration, and reports the emulator's init duration (from starting the
// bootstrap until it asks for its first invocation: init-ms is the mean,
// init-p50-ms and init-max-ms the median and the slowest) and the first
// invocation's round trip, init included (cold-ms). ns/op also counts
// starting and stopping the emulator.
//
//	bash scripts/dynamodb-local.sh run -- go test -run '^$' -bench Init -benchtime 20x ./cmd/lambda
func BenchmarkInit(b *testing.B) {
	d := benchDeployment(b)
	w := newWorkload(b, d)
	for _, task := range taskNames {
		b.Run(task, func(b *testing.B) {
			var inits, colds []time.Duration
			for b.Loop() {
				f := lambdarie.Start(b, d.bootstrap, d.envFor(task))
				start := time.Now()
				w.invoke(b, f, task)
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

// BenchmarkInvoke invokes one warm function per task, as the state machine
// and API Gateway would, against DynamoDB Local and a local PutEvents
// endpoint. ns/op is the round trip through the emulator; function-ms is
// the emulator's own Duration of each invocation, its mean.
//
//	bash scripts/dynamodb-local.sh run -- go test -run '^$' -bench Invoke -benchtime 200x ./cmd/lambda
func BenchmarkInvoke(b *testing.B) {
	d := benchDeployment(b)
	w := newWorkload(b, d)
	for _, task := range taskNames {
		b.Run(task, func(b *testing.B) {
			f := d.function(b, task)
			w.invoke(b, f, task) // the init, and a first call
			for b.Loop() {
				w.invoke(b, f, task)
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

// BenchmarkBootstrapSize builds the bootstrap as `make lambdas` does, for
// linux/arm64, and reports its size (ns/op is the build).
func BenchmarkBootstrapSize(b *testing.B) {
	for b.Loop() {
		fi, err := os.Stat(lambdarie.BuildArch(b, "./cmd/lambda", "arm64"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size()), "bytes")
		b.ReportMetric(float64(fi.Size())/1e6, "MB")
	}
}

// workload makes the payload of each task's next invocation, on one
// account opened for it: validate decides a deposit; persist appends the
// next deposit; publish and fold take the account's first event; read
// gets the account; notify gets a new withdrawal each time.
type workload struct {
	version int64 // the account's version, which persist moves on
	notices int   // the withdrawals notify has been sent
}

// newWorkload opens the account with the deployment's persist function.
func newWorkload(b *testing.B, d *deployment) *workload {
	b.Helper()
	w := &workload{}
	f := d.function(b, "persist")
	open := `{"command":{"type":"OpenAccount","accountId":"acc-1","commandId":"c-1","currency":"EUR"},"expectedVersion":0,` +
		`"events":[{"id":"acc-1:1","account":"acc-1","version":1,"type":"AccountOpened","schemaVersion":1,` +
		`"occurredAt":"2026-11-23T10:00:00Z","commandId":"c-1","data":{"currency":"EUR"}}]}`
	if _, err := f.Invoke(context.Background(), []byte(open)); err != nil {
		b.Fatal(err)
	}
	f.Stop()
	w.version = 1
	return w
}

// invoke sends task's next payload to f and fails b unless it succeeds.
func (w *workload) invoke(b *testing.B, f *lambdarie.Function, task string) {
	b.Helper()
	payload := w.payload(b, task)
	if out, err := f.Invoke(context.Background(), payload); err != nil {
		b.Fatalf("%s %s: %s, %v", task, payload, out, err)
	}
}

func (w *workload) payload(b *testing.B, task string) []byte {
	const first = `{"id":"acc-1:1","account":"acc-1","version":1,"type":"AccountOpened","schemaVersion":1,` +
		`"occurredAt":"2026-11-23T10:00:00Z","commandId":"c-1","data":{"currency":"EUR"}}`
	switch task {
	case "validate":
		return []byte(`{"command":{"type":"Deposit","accountId":"acc-1","commandId":"v-1","amount":1}}`)
	case "persist":
		v := w.version
		w.version++
		return fmt.Appendf(nil, `{"command":{"type":"Deposit","accountId":"acc-1","commandId":"p-%[2]d","amount":1},"expectedVersion":%[1]d,`+
			`"events":[{"id":"acc-1:%[2]d","account":"acc-1","version":%[2]d,"type":"FundsDeposited","schemaVersion":1,`+
			`"occurredAt":"2026-11-23T10:00:00Z","commandId":"p-%[2]d","data":{"amount":1}}]}`, v, v+1)
	case "publish", "fold":
		return []byte(`{"events":[` + first + `]}`)
	case "read":
		return readFile(b, "read-request.json")
	case "notify":
		w.notices++
		return []byte(strings.Replace(string(readFile(b, "eventbridge-withdrawn.json")),
			`"id": "acc-1:3"`, fmt.Sprintf(`"id": "acc-1:w%d"`, w.notices), 1))
	}
	b.Fatalf("no payload for task %s", task)
	return nil
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
