package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

func notes() []Notification {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	return []Notification{
		{EventID: "acc-1:3", Account: "acc-1", Kind: KindWithdrawal, Text: "12.34 EUR was withdrawn from account acc-1 on 2026-11-23", OccurredAt: at},
		{EventID: "acc-1:4", Account: "acc-1", Kind: KindClosure, Text: "Account acc-1 was closed on 2026-11-23", OccurredAt: at.Add(time.Hour)},
	}
}

func writeNotes(t *testing.T, path string) {
	t.Helper()
	sink, err := OpenJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes() {
		if err := sink.Send(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notifications.jsonl")
	writeNotes(t, path)
	writeNotes(t, path) // reopening appends
	got, err := ReadJSONL(path)
	want := append(notes(), notes()...)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ReadJSONL = %+v, %v; want %+v", got, err, want)
	}
}

func TestJSONLLinesHaveTheNotificationFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notifications.jsonl")
	writeNotes(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	want := `{"eventId":"acc-1:3","account":"acc-1","kind":"withdrawal","text":"12.34 EUR was withdrawn from account acc-1 on 2026-11-23","occurredAt":"2026-11-23T10:00:00Z"}`
	if string(first) != want {
		t.Errorf("line 1 = %s\nwant     %s", first, want)
	}
}

func TestReadJSONLToleratesOnlyATornLastLine(t *testing.T) {
	dir := t.TempDir()
	torn := filepath.Join(dir, "torn.jsonl")
	writeNotes(t, torn)
	appendText(t, torn, `{"eventId":"acc-1:5","acc`)
	if got, err := ReadJSONL(torn); err != nil || len(got) != 2 {
		t.Errorf("ReadJSONL(torn) = %d notes, %v; want the 2 complete ones", len(got), err)
	}
	corrupt := filepath.Join(dir, "corrupt.jsonl")
	appendText(t, corrupt, "garbage\n")
	writeNotes(t, corrupt)
	if _, err := ReadJSONL(corrupt); !errors.Is(err, events.ErrStoreUnavailable) {
		t.Errorf("ReadJSONL(corrupt) = %v; want StoreUnavailable", err)
	}
	if got, err := ReadJSONL(filepath.Join(dir, "missing.jsonl")); err != nil || len(got) != 0 {
		t.Errorf("ReadJSONL(missing) = %v, %v; want none", got, err)
	}
}

func TestSeenFromJSONLSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notifications.jsonl")
	raw := fixture(t, "withdrawn.json")
	for range 2 { // two runs of the process, each redelivered the same event
		seen, err := SeenFromJSONL(path, 100)
		if err != nil {
			t.Fatal(err)
		}
		sink, err := OpenJSONL(path)
		if err != nil {
			t.Fatal(err)
		}
		h, err := NewHandler(currencies(map[string]string{"acc-1": "EUR"}), seen, sink)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Handle(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := ReadJSONL(path); err != nil || len(got) != 1 {
		t.Errorf("file holds %d notifications, %v; want 1", len(got), err)
	}
}

func TestJSONLSinkFailsAfterClose(t *testing.T) {
	sink, err := OpenJSONL(filepath.Join(t.TempDir(), "n.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sink.Send(context.Background(), notes()[0]); !errors.Is(err, events.ErrStoreUnavailable) {
		t.Errorf("Send after Close = %v; want StoreUnavailable", err)
	}
}

func TestLogSinkWritesStructuredJSON(t *testing.T) {
	var buf bytes.Buffer
	sink, err := NewLogSink(slog.New(slog.NewJSONHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Send(context.Background(), notes()[0]); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	want := map[string]any{"msg": "notification", "level": "INFO", "eventId": "acc-1:3", "account": "acc-1",
		"kind": "withdrawal", "text": notes()[0].Text, "occurredAt": "2026-11-23T10:00:00Z"}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %v; want %v", k, rec[k], v)
		}
	}
	if _, err := NewLogSink(nil); !errors.Is(err, events.ErrInvalidArgument) {
		t.Errorf("NewLogSink(nil) = %v; want InvalidArgument", err)
	}
}

func appendText(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
