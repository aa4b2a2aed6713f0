package boltstore

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/stepfold/stepfold/events"
)

// The tests' events are opaque to the store, as every domain's are: one
// type, and data the test picks. The snapshots an append reaches are what
// a caller would compute; each holds the count of events so far, which is
// its version, so that a test can tell one snapshot from another.

// base is the business time of version 0.
var base = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// occurredAt is the business time of the event at version v.
func occurredAt(v int64) time.Time { return base.Add(time.Duration(v) * time.Second) }

// testEvents returns n events of stream after version expected, all of
// command cmd and carrying data.
func testEvents(stream string, expected int64, n int, cmd, data string) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		v := expected + int64(i) + 1
		out[i] = events.Event{
			ID: events.EventID(stream, v), Stream: stream, Version: v, Type: "Counted", SchemaVersion: 1,
			OccurredAt: occurredAt(v), CommandID: cmd, Data: json.RawMessage(data),
		}
	}
	return out
}

// tallyAt is the snapshot a caller hands the store at version v.
func tallyAt(v int64) events.Snapshot {
	state := `{"count":` + strconv.FormatInt(v, 10) + `}`
	return events.Snapshot{Version: v, State: json.RawMessage(state), LastOccurredAt: occurredAt(v)}
}

// newBatch is the append to stream, after version expected, of n events
// of command cmd carrying data, with the snapshots they reach.
func newBatch(stream string, expected int64, n int, cmd, data string) events.Batch {
	b := events.Batch{Stream: stream, Expected: expected, Events: testEvents(stream, expected, n, cmd, data), CommandID: cmd}
	for _, e := range b.Events {
		if events.SnapshotDue(e.Version) {
			b.Snapshots = append(b.Snapshots, tallyAt(e.Version))
		}
	}
	return b
}

// sameSnapshot reports whether a and b are the same snapshot: version,
// business time and state, byte for byte, as the store keeps it.
func sameSnapshot(a, b events.Snapshot) bool {
	return a.Version == b.Version && a.LastOccurredAt.Equal(b.LastOccurredAt) && string(a.State) == string(b.State)
}
