// Package domaintest tests a domain the way the decider pattern reads:
// given these events, when this command, then these events or this
// rejection. It needs no store, no state machine and no clock.
package domaintest

import (
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/core"
)

// Stream is the stream id the helpers record events under.
const Stream = "test-stream"

// Given folds given over d's initial state, as the events of one stream
// at versions 1, 2, 3…, each dated at. It returns the state and the facts
// it recorded, for Input.Refs.
func Given[S any, C core.Command](d core.Domain[S, C], at time.Time, given ...core.Data) (S, []core.Fact, error) {
	s := d.Initial()
	facts := make([]core.Fact, len(given))
	for i, v := range given {
		f, err := fact(d.Info(), int64(i+1), at, v)
		if err != nil {
			return s, nil, err
		}
		facts[i] = f
		s = d.Evolve(s, f)
	}
	return s, facts, nil
}

// When decides c after given, at business time at, and returns the data
// of the events it records or the rejection.
func When[S any, C core.Command](d core.Domain[S, C], at time.Time, given []core.Data, c C) ([]core.Data, error) {
	s, facts, err := Given(d, at, given...)
	if err != nil {
		return nil, err
	}
	in := core.Input{Version: int64(len(given)), At: at, Refs: map[int64]core.Fact{}}
	for _, v := range c.Meta().Refs {
		if v >= 1 && v <= int64(len(facts)) {
			in.Refs[v] = facts[v-1]
		}
	}
	return d.Decide(s, c, in)
}

// fact records v as the event at version, through its JSON and the
// domain's event definition, as the tasks do.
func fact(info core.Info, version int64, at time.Time, v core.Data) (core.Fact, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return core.Fact{}, err
	}
	for _, def := range info.Events {
		if def.Type == v.EventType() {
			return def.Read(core.Event{
				ID: core.EventID(Stream, version), Stream: Stream, Version: version,
				Type: def.Type, SchemaVersion: def.Schema, OccurredAt: at, Data: data, StreamKey: info.StreamKey,
			})
		}
	}
	return core.Fact{}, core.Errorf(core.CodeInternal, "domain %s does not list event type %q", info.Name, v.EventType())
}
