package events_test

import (
	"testing"

	"github.com/stepfold/stepfold/events"
)

// BenchmarkReplay folds decoded events: the fold's own cost per event.
func BenchmarkReplay(b *testing.B) {
	all := ledger(b, "a", 10_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := events.Replay(events.State{}, all); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(all))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
