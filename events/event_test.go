package events_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

func TestEventIDRoundTrip(t *testing.T) {
	for _, id := range []string{"a:1", "acc.9:10", "x-y_z:9223372036854775807"} {
		stream, v, err := events.ParseEventID(id)
		if err != nil || events.EventID(stream, v) != id {
			t.Errorf("ParseEventID(%q) = %q, %d, %v", id, stream, v, err)
		}
	}
	for _, id := range []string{"", "a", "a:", "a:0", "a:-1", "a:b", ":1", "a b:1", "..:1"} {
		if _, _, err := events.ParseEventID(id); !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("ParseEventID(%q) = %v, want InvalidArgument", id, err)
		}
	}
}

// TestEventJSON checks the envelope's JSON: the stream under the domain's
// key, second after the id, as the bank's events always had it, and the
// same event back from it.
func TestEventJSON(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	e := events.Event{ID: "acc-1:3", Stream: "acc-1", StreamKey: "account", Version: 3, Type: "FundsDeposited", SchemaVersion: 1,
		OccurredAt: at, RecordedAt: at.Add(time.Second), CommandID: "c-42", CorrelationID: "req-9", Data: json.RawMessage(`{"amount":1500}`)}
	b, err := json.Marshal(e)
	want := `{"id":"acc-1:3","account":"acc-1","version":3,"type":"FundsDeposited","schemaVersion":1,` +
		`"occurredAt":"2026-11-23T10:00:00Z","recordedAt":"2026-11-23T10:00:01Z","commandId":"c-42","correlationId":"req-9","data":{"amount":1500}}`
	if err != nil || string(b) != want {
		t.Fatalf("Marshal = %s, %v\nwant       %s", b, err, want)
	}
	var back events.Event
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, e) {
		t.Fatalf("Unmarshal = %+v, %v\nwant      %+v", back, err, e)
	}
	plain := e
	plain.StreamKey, plain.RecordedAt, plain.CorrelationID = "", time.Time{}, ""
	if b, _ := json.Marshal(plain); !strings.HasPrefix(string(b), `{"id":"acc-1:3","stream":"acc-1",`) || strings.Contains(string(b), "recordedAt") {
		t.Errorf("without a key = %s", b)
	}
}

func TestEventJSONErrors(t *testing.T) {
	for _, b := range []string{
		`{"id":"a:1","account":"a","warehouse":"w","version":1}`,
		`{"id":"a:1","account":7,"version":1}`,
		`[1]`,
	} {
		var e events.Event
		if err := json.Unmarshal([]byte(b), &e); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", b, e)
		}
	}
	e := events.Event{ID: "a:1", Stream: "a", Version: 1, Type: "T", SchemaVersion: 1, Data: json.RawMessage(`{`)}
	if _, err := json.Marshal(e); err == nil {
		t.Error("Marshal of data that is not JSON succeeded")
	}
	var fromID events.Event
	if err := json.Unmarshal([]byte(`{"id":"w-1:2","version":2}`), &fromID); err != nil || fromID.Stream != "w-1" || fromID.StreamKey != "" {
		t.Errorf("an event without a stream member = %+v, %v; want the stream from its id", fromID, err)
	}
}

type noteV1 struct {
	Text string `json:"text"`
}

func (noteV1) EventType() string { return "Noted" }

type noteV3 struct {
	Body  string `json:"body"`
	Words int    `json:"words"`
}

func (noteV3) EventType() string { return "Noted" }

// TestDefReadUpcasts reads one event written at each schema of a type
// whose data changed twice.
func TestDefReadUpcasts(t *testing.T) {
	rename := func(old json.RawMessage) (json.RawMessage, error) {
		var v noteV1
		if err := json.Unmarshal(old, &v); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]string{"body": v.Text})
	}
	count := func(old json.RawMessage) (json.RawMessage, error) {
		var v struct{ Body string }
		if err := json.Unmarshal(old, &v); err != nil {
			return nil, err
		}
		return json.Marshal(noteV3{Body: v.Body, Words: len(strings.Fields(v.Body))})
	}
	def := events.Def[noteV3](rename, count)
	if def.Type != "Noted" || def.Schema != 3 {
		t.Fatalf("Def = %s at %d, want Noted at 3", def.Type, def.Schema)
	}
	for schema, data := range map[int]string{1: `{"text":"two words"}`, 2: `{"body":"two words"}`, 3: `{"body":"two words","words":2}`} {
		f, err := def.Read(events.Event{ID: "a:1", Type: "Noted", SchemaVersion: schema, Data: json.RawMessage(data)})
		if err != nil || f.Data != (noteV3{Body: "two words", Words: 2}) || f.Event.SchemaVersion != 3 {
			t.Errorf("schema %d read as %+v (schema %d), %v", schema, f.Data, f.Event.SchemaVersion, err)
		}
	}
	for _, bad := range []events.Event{
		{ID: "a:1", SchemaVersion: 4, Data: json.RawMessage(`{}`)},
		{ID: "a:1", SchemaVersion: 0, Data: json.RawMessage(`{}`)},
		{ID: "a:1", SchemaVersion: 1, Data: json.RawMessage(`[]`)},
		{ID: "a:1", SchemaVersion: 3, Data: json.RawMessage(`{"words":"many"}`)},
	} {
		if _, err := def.Read(bad); !errors.Is(err, events.ErrInternal) {
			t.Errorf("Read(schema %d, %s) = %v, want Internal", bad.SchemaVersion, bad.Data, err)
		}
	}
}

func TestCommandFingerprint(t *testing.T) {
	a, err := events.CommandFingerprint(nil, []byte(`{"type":"A","commandId":"c","n":12345678901234567890,"correlationId":"r1"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := events.CommandFingerprint(nil, []byte(`{"correlationId":"r2","n":12345678901234567890,"commandId":"c","type":"A"}`))
	c, _ := events.CommandFingerprint(nil, []byte(`{"type":"A","commandId":"c","n":12345678901234567891}`))
	if a != b || a == c || len(a) != 64 {
		t.Errorf("fingerprints %s, %s, %s: want the first two equal (order and correlation id do not count), the third apart", a, b, c)
	}
}

// BenchmarkEventUnmarshal reads one envelope, as every task reads the
// events it is handed.
func BenchmarkEventUnmarshal(b *testing.B) {
	raw := []byte(`{"id":"acc-1:3","account":"acc-1","version":3,"type":"FundsDeposited","schemaVersion":1,` +
		`"occurredAt":"2026-11-23T10:00:00Z","recordedAt":"2026-11-23T10:00:01.123456Z","commandId":"c-42","correlationId":"req-9","data":{"amount":1500,"currency":"EUR"}}`)
	b.ReportAllocs()
	for b.Loop() {
		var e events.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEventMarshal writes one envelope, as every task writes the
// events it hands on.
func BenchmarkEventMarshal(b *testing.B) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 123456000, time.UTC)
	e := events.Event{ID: "acc-1:3", Stream: "acc-1", StreamKey: "account", Version: 3, Type: "FundsDeposited", SchemaVersion: 1,
		OccurredAt: at, RecordedAt: at, CommandID: "c-42", CorrelationID: "req-9", Data: json.RawMessage(`{"amount":1500,"currency":"EUR"}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(e); err != nil {
			b.Fatal(err)
		}
	}
}
