package events_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// TestAppendEvents writes arrays of events as encoding/json does, and
// reads them back.
func TestAppendEvents(t *testing.T) {
	evs := []events.Event{
		{ID: "a:1", Stream: "a", StreamKey: "account", Version: 1, Type: "Opened", SchemaVersion: 1, CommandID: "c", Data: json.RawMessage(`{"x":"\u00e9"}`)},
		{ID: "a:2", Stream: "a", StreamKey: "account", Version: 2, Type: "Noted", SchemaVersion: 2, CommandID: "c", Data: json.RawMessage(`[1,2]`)},
	}
	b, err := events.AppendEvents(nil, evs)
	if err != nil {
		t.Fatal(err)
	}
	if std, _ := json.Marshal(evs); string(std) != string(b) {
		t.Errorf("AppendEvents = %s\nencoding/json  %s", b, std)
	}
	var back []events.Event
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, evs) {
		t.Errorf("Unmarshal(%s) = %+v, %v", b, back, err)
	}
	for _, evs := range [][]events.Event{nil, {}} {
		std, _ := json.Marshal(evs)
		if b, err := events.AppendEvents(nil, evs); err != nil || string(b) != string(std) {
			t.Errorf("AppendEvents(%#v) = %s, %v; encoding/json writes %s", evs, b, err, std)
		}
	}
	for _, in := range []string{`[{"id":7}]`, `[1]`, `[{"id":"a:1","x":"a","y":"b"}]`} {
		if err := json.Unmarshal([]byte(in), &back); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", in)
		}
	}
}

// TestAppendCompactsData writes an event's data compacted, as
// encoding/json writes a json.RawMessage.
func TestAppendCompactsData(t *testing.T) {
	e := events.Event{ID: "a:1", Stream: "a", Version: 1, Type: "T", Data: json.RawMessage(" {\n \"a\" : [1, \"x y\"] }\n")}
	b, err := e.AppendJSON(nil)
	if err != nil || !strings.HasSuffix(string(b), `"data":{"a":[1,"x y"]}}`) {
		t.Errorf("AppendJSON = %s, %v", b, err)
	}
}
