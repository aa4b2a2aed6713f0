package storetest

import (
	"encoding/json"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// countedV2 is the tally's event at schema 2, which renamed n to amount and
// added a unit.
type countedV2 struct {
	Amount int64  `json:"amount"`
	Unit   string `json:"unit"`
}

// EventType implements events.Data.
func (countedV2) EventType() string { return "Counted" }

// toV2 reads Counted schema 1 as schema 2.
func toV2(data json.RawMessage) (json.RawMessage, error) {
	var v1 counted
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, err
	}
	return json.Marshal(countedV2{Amount: v1.N, Unit: "each"})
}

// testOlderSchema stores events at schema 1, then at schema 2 after the
// change, and reads every one back through the schema-2 definition: the
// store keeps each event's schema version and data as written, so the
// upcaster sees schema 1 exactly.
func testOlderSchema(t *testing.T, s store) {
	old := mustAppend(t, s, "s-1", 0, makeEvents("s-1", 0, 3, "c-v1"), "c-v1").Events
	next := makeEvents("s-1", 3, 2, "c-v2")
	for i := range next {
		next[i].SchemaVersion = 2
		next[i].Data, _ = json.Marshal(countedV2{Amount: next[i].Version, Unit: "box"})
	}
	mustAppend(t, s, "s-1", 3, next, "c-v2")
	def := events.Def[countedV2](toV2)
	want := []countedV2{{1, "each"}, {2, "each"}, {3, "each"}, {4, "box"}, {5, "box"}}
	for i, e := range readAll(t, s, "s-1") {
		if i < len(old) && e.SchemaVersion != 1 {
			t.Fatalf("event %s came back at schema %d, written at 1", e.ID, e.SchemaVersion)
		}
		f, err := def.Read(e)
		if err != nil {
			t.Fatalf("Read(%s) through schema 2: %v", e.ID, err)
		}
		if got := f.Data.(countedV2); got != want[i] || f.Event.SchemaVersion != 2 {
			t.Fatalf("event %s read as %+v at schema %d, want %+v at 2", e.ID, got, f.Event.SchemaVersion, want[i])
		}
	}
}
