package tasks_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

// TestWireJSON checks that the step results write the JSON encoding/json
// writes for the same fields, so the state machine's paths read them alike.
func TestWireJSON(t *testing.T) {
	type decision tasks.Decision // the same fields, without the methods
	type persisted tasks.Persisted
	ev := events.Event{ID: "a:1", Stream: "a", StreamKey: "account", Version: 1, Type: "Opened",
		SchemaVersion: 1, CommandID: "c<1>", Data: json.RawMessage(`{"owner":"Zoë"}`)}
	snap := events.Snapshot{Version: 10, State: json.RawMessage(`{"n":1}`), LastOccurredAt: time.Unix(5, 0).UTC()}
	cases := []struct {
		name string
		got  func() ([]byte, error)
		want any
	}{}
	for _, d := range []tasks.Decision{
		{},
		{ExpectedVersion: 3, Events: []events.Event{ev}, Snapshots: []events.Snapshot{}, Fingerprint: "f\"1"},
		{ExpectedVersion: 9, Events: []events.Event{ev, ev}, Snapshots: []events.Snapshot{snap}},
	} {
		cases = append(cases, struct {
			name string
			got  func() ([]byte, error)
			want any
		}{"decision", d.MarshalJSON, decision(d)})
	}
	for _, p := range []tasks.Persisted{{}, {Events: []events.Event{ev}, Duplicate: true}} {
		cases = append(cases, struct {
			name string
			got  func() ([]byte, error)
			want any
		}{"persisted", p.MarshalJSON, persisted(p)})
	}
	for _, c := range cases {
		got, err := c.got()
		want, werr := json.Marshal(c.want)
		if err != nil || werr != nil || !sameJSON(got, want) {
			t.Errorf("%s: MarshalJSON = %s, %v\nencoding/json   %s, %v", c.name, got, err, want, werr)
		}
		if !json.Valid(got) || bytes.ContainsAny(got, "\n\t ") {
			t.Errorf("%s: MarshalJSON = %s, not compact JSON", c.name, got)
		}
	}
}

// sameJSON reports whether a and b hold the same JSON value. encoding/json
// escapes <, > and & for HTML; the step results need not.
func sameJSON(a, b []byte) bool {
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}
