package storetest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/stepfold/stepfold/events"
)

// counted is the suite's one event type: it adds N to the tally.
type counted struct {
	N int64 `json:"n"`
}

// EventType implements events.Data.
func (counted) EventType() string { return "Counted" }

// tallyState is the suite's state: how many events, and the sum of their N.
type tallyState struct {
	Count int64 `json:"count"`
	Total int64 `json:"total"`
}

// tally is the suite's domain: only its events and fold are used.
type tally struct{}

func (tally) Info() events.Info {
	return events.Info{Name: "tally", Events: []events.EventDef{events.Def[counted]()}}
}

func (tally) Evolve(s tallyState, f events.Fact) tallyState {
	if c, ok := f.Data.(counted); ok {
		s.Count++
		s.Total += c.N
	}
	return s
}

// base is the business time of the first event the helpers make.
var base = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// occurredAt is the business time of the event at version v.
func occurredAt(v int64) time.Time { return base.Add(time.Duration(v) * time.Second) }

// makeEvents returns n valid events of stream after version expected, all
// carrying cmd: the event at version v counts v.
func makeEvents(stream string, expected int64, n int, cmd string) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		v := expected + int64(i) + 1
		out[i] = events.Event{
			ID: events.EventID(stream, v), Stream: stream, Version: v,
			Type: "Counted", SchemaVersion: 1, OccurredAt: occurredAt(v),
			CommandID: cmd, CorrelationID: "corr-" + cmd,
			Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, v)),
		}
	}
	return out
}

// stateAt is the tally after the events makeEvents makes up to version v.
func stateAt(v int64) tallyState { return tallyState{Count: v, Total: v * (v + 1) / 2} }

// snapshotAt is the snapshot the tasks would compute at version v.
func snapshotAt(v int64) events.Snapshot {
	b, _ := json.Marshal(stateAt(v)) // a struct of two ints always encodes
	return events.Snapshot{Version: v, State: b, LastOccurredAt: occurredAt(v)}
}

// batch is the append of evs as command cmd after expected, with the
// snapshots its events reach.
func batch(stream string, expected int64, evs []events.Event, cmd string) events.Batch {
	b := events.Batch{Stream: stream, Expected: expected, Events: evs, CommandID: cmd}
	for _, e := range evs {
		if events.SnapshotDue(e.Version) {
			b.Snapshots = append(b.Snapshots, snapshotAt(e.Version))
		}
	}
	return b
}

// fold folds evs over the snapshot s with the tally, checking that each
// event is the next version.
func fold(s events.Snapshot, evs []events.Event) (tallyState, int64, error) {
	var st tallyState
	if s.Version > 0 {
		if err := json.Unmarshal(s.State, &st); err != nil {
			return st, 0, fmt.Errorf("snapshot at %d: %w", s.Version, err)
		}
	}
	def := tally{}.Info().Events[0]
	v := s.Version
	for _, e := range evs {
		if e.Version != v+1 {
			return st, v, fmt.Errorf("event %s does not follow version %d", e.ID, v)
		}
		f, err := def.Read(e)
		if err != nil {
			return st, v, err
		}
		st, v = tally{}.Evolve(st, f), e.Version
	}
	return st, v, nil
}
