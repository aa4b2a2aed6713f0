package events_test

import (
	"encoding/json"
	"testing"
	"time"

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

// validatePayload is a Validate task payload as the state machine sends it.
var validatePayload = []byte(`{"command":{"type":"Deposit","accountId":"acc-1","commandId":"c-42","correlationId":"req-9","amount":1500,"currency":"EUR","occurredAt":"2026-11-23T10:00:00Z","reference":"salary"}}`)

// BenchmarkDecodeCommand decodes a Validate payload with encoding/json, as
// the Lambda runtime does, through Command's strict UnmarshalJSON; "lax"
// is the same fields read by encoding/json alone, for comparison.
func BenchmarkDecodeCommand(b *testing.B) {
	type laxCommand struct {
		Type, AccountID, CommandID, CorrelationID string
		Amount                                    int64
		Currency                                  string
		OccurredAt                                time.Time
		Reference                                 string
	}
	b.Run("strict", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in struct{ Command events.Command }
			if err := json.Unmarshal(validatePayload, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lax", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in struct{ Command laxCommand }
			if err := json.Unmarshal(validatePayload, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFingerprint is the cost Validate and Persist each pay per command.
func BenchmarkFingerprint(b *testing.B) {
	c := events.Command{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-42", Amount: 1500, Currency: "EUR",
		OccurredAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Reference: "salary"}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Fingerprint()
	}
}
