package eventbridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/stepfold/stepfold/events"
)

// wireEntry is a PutEvents request entry as the SDK sends it.
type wireEntry struct {
	Source, DetailType, Detail, EventBusName string
	Time                                     float64
	Resources                                []string
}

// bus is a fake EventBridge endpoint. It records every PutEvents request
// and answers with reply, given the call number (from 1) and the entries.
type bus struct {
	reply func(call int, entries []wireEntry) (status int, body any)

	mu       sync.Mutex
	requests [][]wireEntry
}

func (b *bus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents" {
		http.Error(w, "unexpected call "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
		return
	}
	var in struct{ Entries []wireEntry }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	b.requests = append(b.requests, in.Entries)
	call := len(b.requests)
	b.mu.Unlock()
	status, out := http.StatusOK, any(accepted(len(in.Entries)))
	if b.reply != nil {
		status, out = b.reply(call, in.Entries)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

func (b *bus) calls() [][]wireEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests)
}

// result is a PutEvents response; errCodes holds "" for accepted entries.
func result(errCodes ...string) map[string]any {
	entries := make([]map[string]string, len(errCodes))
	failed := 0
	for i, c := range errCodes {
		if c == "" {
			entries[i] = map[string]string{"EventId": fmt.Sprintf("eb-%d", i)}
			continue
		}
		failed++
		entries[i] = map[string]string{"ErrorCode": c, "ErrorMessage": c + " for this entry"}
	}
	return map[string]any{"FailedEntryCount": failed, "Entries": entries}
}

func accepted(n int) map[string]any { return result(make([]string, n)...) }

// newPublisher starts b and returns a Publisher whose SDK client finds it
// through AWS_ENDPOINT_URL_EVENTBRIDGE, as config.LoadDefaultConfig reads it.
func newPublisher(t *testing.T, b *bus, opts ...Option) *Publisher {
	t.Helper()
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", srv.URL)
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
		config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]Option{WithRetry(3, time.Millisecond)}, opts...)
	p, err := New(eventbridge.NewFromConfig(cfg), "stepfold-bus", testSource, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// testSource is the source the tests' publishers are given.
const testSource = "example.ledger"

// testEvents returns n "Deposited" events of stream acc, which name their
// stream member "account", each with a reference of pad bytes.
func testEvents(n, pad int) []events.Event {
	evs := make([]events.Event, n)
	for i := range evs {
		v := int64(i + 1)
		evs[i] = events.Event{
			ID: events.EventID("acc", v), Stream: "acc", Version: v, Type: "Deposited",
			SchemaVersion: 1, OccurredAt: t0, RecordedAt: t0.Add(time.Duration(v) * time.Second),
			CommandID: fmt.Sprint("c", v), CorrelationID: "corr",
			Data:      json.RawMessage(`{"amount": 100, "reference": "` + strings.Repeat("r", pad) + `"}`),
			StreamKey: "account",
		}
	}
	return evs
}

func ids(entries []wireEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		var ev events.Event
		_ = json.Unmarshal([]byte(e.Detail), &ev)
		out[i] = ev.ID
	}
	return out
}

func eventIDs(evs []events.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestPublishBatchesByCount(t *testing.T) {
	b := &bus{}
	p := newPublisher(t, b)
	evs := testEvents(25, 0)
	if err := p.Publish(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	calls := b.calls()
	if got := []int{len(calls[0]), len(calls[1]), len(calls[2])}; len(calls) != 3 || !slices.Equal(got, []int{10, 10, 5}) {
		t.Fatalf("batches = %d calls; want 10, 10, 5 entries", len(calls))
	}
	if got := ids(slices.Concat(calls...)); !slices.Equal(got, eventIDs(evs)) {
		t.Fatalf("published ids %v; want %v in order", got, eventIDs(evs))
	}
	checkEntry(t, calls[0][0], evs[0])
}

// checkEntry checks one entry as the SDK sent it: the configured source,
// the event type as detail-type, and the event's JSON, exactly as
// Event.MarshalJSON writes it, as detail.
func checkEntry(t *testing.T, got wireEntry, e events.Event) {
	t.Helper()
	want, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got.Detail != string(want) || !strings.Contains(got.Detail, `"account":"acc"`) {
		t.Errorf("detail = %s; want %s, with the stream under \"account\"", got.Detail, want)
	}
	var detail events.Event
	if err := json.Unmarshal([]byte(got.Detail), &detail); err != nil {
		t.Fatal(err)
	}
	var data bytes.Buffer // the envelope carries the data compacted
	if err := json.Compact(&data, e.Data); err != nil {
		t.Fatal(err)
	}
	switch {
	case got.Source != testSource || got.DetailType != e.Type || got.EventBusName != "stepfold-bus":
		t.Errorf("entry = %s/%s on %s", got.Source, got.DetailType, got.EventBusName)
	case time.Unix(int64(got.Time), 0).UTC() != e.RecordedAt || len(got.Resources) != 0:
		t.Errorf("entry time %v, resources %v; want %v and none", got.Time, got.Resources, e.RecordedAt)
	case detail.ID != e.ID || detail.Stream != e.Stream || detail.Version != e.Version || detail.CommandID != e.CommandID ||
		detail.CorrelationID != e.CorrelationID || !detail.OccurredAt.Equal(e.OccurredAt) ||
		!detail.RecordedAt.Equal(e.RecordedAt) || string(detail.Data) != data.String():
		t.Errorf("detail = %s; want the envelope of %s", got.Detail, e.ID)
	}
}

func TestPublishBatchesBySize(t *testing.T) {
	b := &bus{}
	p := newPublisher(t, b)
	evs := testEvents(5, 100_000) // about 100 KB each: two fit in 256 KiB, three do not
	if err := p.Publish(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, call := range b.calls() {
		sizes = append(sizes, len(call))
		total := 0
		for _, e := range call {
			total += len(e.Source) + len(e.DetailType) + len(e.Detail) + 14
		}
		if total > MaxBatchSize {
			t.Errorf("a batch holds %d bytes of entries; the limit is %d", total, MaxBatchSize)
		}
	}
	if !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Fatalf("batch sizes %v; want [2 2 1]", sizes)
	}
}

func TestPublishRetriesOnlyFailedEntries(t *testing.T) {
	b := &bus{reply: func(call int, entries []wireEntry) (int, any) {
		if call == 1 {
			return http.StatusOK, result("", "ThrottlingException", "", "InternalFailure", "")
		}
		return http.StatusOK, accepted(len(entries))
	}}
	p := newPublisher(t, b)
	evs := testEvents(5, 0)
	if err := p.Publish(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	calls := b.calls()
	if len(calls) != 2 {
		t.Fatalf("%d PutEvents calls; want 2", len(calls))
	}
	if got, want := ids(calls[1]), []string{evs[1].ID, evs[3].ID}; !slices.Equal(got, want) {
		t.Fatalf("retried %v; want exactly %v", got, want)
	}
}

func TestPublishFailures(t *testing.T) {
	tests := []struct {
		name      string
		reply     func(call int, entries []wireEntry) (int, any)
		wantCode  events.Code
		wantCalls int
		wantIDs   []string
	}{
		{
			name: "entry throttled on every attempt",
			reply: func(_ int, entries []wireEntry) (int, any) {
				codes := make([]string, len(entries))
				for i, id := range ids(entries) {
					if id == "acc:2" {
						codes[i] = "ThrottlingException"
					}
				}
				return http.StatusOK, result(codes...)
			},
			wantCode: events.CodeThrottled, wantCalls: 3, wantIDs: []string{"acc:2"},
		},
		{
			name: "entry denied: not retried, later batches not sent",
			reply: func(int, []wireEntry) (int, any) {
				return http.StatusOK, result("AccessDeniedException", "", "", "", "", "", "", "", "", "")
			},
			wantCode: events.CodePublishFailed, wantCalls: 1, wantIDs: []string{"acc:1", "acc:11", "acc:12"},
		},
		{
			name: "call throttled",
			reply: func(int, []wireEntry) (int, any) {
				return http.StatusBadRequest, map[string]string{"__type": "ThrottlingException", "message": "Rate exceeded"}
			},
			wantCode: events.CodeThrottled, wantCalls: 1, wantIDs: []string{"acc:1", "acc:2", "acc:3", "acc:4", "acc:5", "acc:6", "acc:7", "acc:8", "acc:9", "acc:10", "acc:11", "acc:12"},
		},
		{
			name: "server error",
			reply: func(int, []wireEntry) (int, any) {
				return http.StatusInternalServerError, map[string]string{"__type": "InternalException", "message": "oops"}
			},
			wantCode: events.CodePublishFailed, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &bus{reply: tt.reply}
			p := newPublisher(t, b)
			n := 12
			if tt.wantCode == events.CodeThrottled && tt.wantCalls == 3 {
				n = 2
			}
			err := p.Publish(context.Background(), testEvents(n, 0))
			var fe *FailedError
			if events.ErrorCode(err) != tt.wantCode || !errors.As(err, &fe) {
				t.Fatalf("Publish = %v; want %s with a *FailedError", err, tt.wantCode)
			}
			if tt.wantIDs != nil && !slices.Equal(fe.IDs, tt.wantIDs) {
				t.Errorf("failed ids %v; want %v", fe.IDs, tt.wantIDs)
			}
			if got := len(b.calls()); got != tt.wantCalls {
				t.Errorf("%d PutEvents calls; want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestPublishTooLargeEntry(t *testing.T) {
	b := &bus{}
	p := newPublisher(t, b)
	err := p.Publish(context.Background(), testEvents(1, MaxBatchSize))
	if !errors.Is(err, events.ErrPublishFailed) || len(b.calls()) != 0 {
		t.Fatalf("Publish = %v after %d calls; want PublishFailed and no call", err, len(b.calls()))
	}
}

// TestPublishBadType refuses, before any call, an event whose type
// EventBridge would not take as a detail-type.
func TestPublishBadType(t *testing.T) {
	for _, typ := range []string{"", strings.Repeat("T", MaxDetailTypeLength+1)} {
		b := &bus{}
		evs := testEvents(2, 0)
		evs[1].Type = typ
		err := newPublisher(t, b).Publish(context.Background(), evs)
		if !errors.Is(err, events.ErrInvalidArgument) || len(b.calls()) != 0 {
			t.Errorf("Publish of type %q = %v after %d calls; want InvalidArgument and no call", typ, err, len(b.calls()))
		}
	}
	b := &bus{}
	evs := testEvents(1, 0)
	evs[0].Type = strings.Repeat("é", MaxDetailTypeLength) // 128 characters, 256 bytes
	if err := newPublisher(t, b).Publish(context.Background(), evs); err != nil || len(b.calls()) != 1 {
		t.Errorf("Publish of a type of %d characters = %v after %d calls; want it sent", MaxDetailTypeLength, err, len(b.calls()))
	}
}

func TestPublishNothing(t *testing.T) {
	b := &bus{}
	if err := newPublisher(t, b).Publish(context.Background(), nil); err != nil || len(b.calls()) != 0 {
		t.Fatalf("Publish(nil) = %v with %d calls", err, len(b.calls()))
	}
}

func TestEntrySize(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name string
		req  types.PutEventsRequestEntry
		want int
	}{
		{"source and type", types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("dt")}, 3},
		{"with time", types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("dt"), Time: &now}, 17},
		{"utf-8 detail", types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("dt"), Detail: aws.String(`{"€":1}`)}, 3 + 9},
		{"resources", types.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("dt"), Resources: []string{"ab", "c"}}, 6},
	}
	for _, tt := range tests {
		if got := EntrySize(tt.req); got != tt.want {
			t.Errorf("%s: EntrySize = %d; want %d", tt.name, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	client := eventbridge.New(eventbridge.Options{Region: "us-east-1"})
	tests := []struct {
		name   string
		client *eventbridge.Client
		bus    string
		source string
		opts   []Option
		ok     bool
	}{
		{"ok", client, "bus", testSource, nil, true},
		{"longest source", client, "bus", strings.Repeat("s", MaxSourceLength), nil, true},
		{"nil client", nil, "bus", testSource, nil, false},
		{"no bus", client, "", testSource, nil, false},
		{"no source", client, "bus", "", nil, false},
		{"source too long", client, "bus", strings.Repeat("s", MaxSourceLength+1), nil, false},
		{"source kept for AWS", client, "bus", "aws.events", nil, false},
		{"zero attempts", client, "bus", testSource, []Option{WithRetry(0, time.Second)}, false},
		{"negative backoff", client, "bus", testSource, []Option{WithRetry(2, -time.Second)}, false},
	}
	for _, tt := range tests {
		_, err := New(tt.client, tt.bus, tt.source, tt.opts...)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, events.ErrInvalidArgument)) {
			t.Errorf("%s: New = %v", tt.name, err)
		}
	}
}
