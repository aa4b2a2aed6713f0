// Package domaintest tests a domain the way the decider pattern reads:
// given these events, when this command, then these events or this
// rejection. It needs no store, no state machine and no clock.
package domaintest

import (
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Given folds given over d's initial state, as the events of stream at
// versions 1, 2, 3…, each dated at. It returns the state and the facts it
// recorded.
func Given[S any, C events.Command](d events.Domain[S, C], stream string, at time.Time, given ...events.Data) (S, []events.Fact, error) {
	return record(d, d.Initial(), nil, stream, at, given)
}

// When decides c after given, the events of c's stream, at business time
// at, and returns the data of the events it records or the rejection.
func When[S any, C events.Command](d events.Domain[S, C], at time.Time, given []events.Data, c C) ([]events.Data, error) {
	s, facts, err := Given(d, c.Meta().Stream, at, given...)
	if err != nil {
		return nil, err
	}
	return Decide(d, s, facts, c, at)
}

// Play decides each command in turn, recording what it decides and folding
// it, as the tasks would: a command is dated by its Meta().OccurredAt, or
// at when that is zero, and names earlier events by version in its
// Meta().Refs. It stops at the first rejection and returns it, with the
// state and facts so far. The commands are all for one stream.
func Play[S any, C events.Command](d events.Domain[S, C], at time.Time, cmds ...C) (S, []events.Fact, error) {
	s := d.Initial()
	var facts []events.Fact
	for _, c := range cmds {
		m := c.Meta()
		when := at
		if !m.OccurredAt.IsZero() {
			when = m.OccurredAt.UTC()
		}
		data, err := Decide(d, s, facts, c, when)
		if err != nil {
			return s, facts, err
		}
		if s, facts, err = record(d, s, facts, m.Stream, when, data); err != nil {
			return s, facts, err
		}
	}
	return s, facts, nil
}

// Decide decides c against s, the state after facts, at business time at,
// with the facts that c's Meta().Refs name.
func Decide[S any, C events.Command](d events.Domain[S, C], s S, facts []events.Fact, c C, at time.Time) ([]events.Data, error) {
	in := events.Input{Version: int64(len(facts)), At: at, Refs: map[int64]events.Fact{}}
	for _, v := range c.Meta().Refs {
		if v >= 1 && v <= int64(len(facts)) {
			in.Refs[v] = facts[v-1]
		}
	}
	return d.Decide(s, c, in)
}

// record folds data over s as the events of stream after facts, through
// their JSON and the domain's event definitions, as the tasks do.
func record[S any, C events.Command](d events.Domain[S, C], s S, facts []events.Fact, stream string, at time.Time, data []events.Data) (S, []events.Fact, error) {
	info := d.Info()
	for _, v := range data {
		f, err := fact(info, stream, int64(len(facts)+1), at, v)
		if err != nil {
			return s, facts, err
		}
		facts = append(facts, f)
		s = d.Evolve(s, f)
	}
	return s, facts, nil
}

// fact records v as the event of stream at version.
func fact(info events.Info, stream string, version int64, at time.Time, v events.Data) (events.Fact, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return events.Fact{}, err
	}
	for _, def := range info.Events {
		if def.Type == v.EventType() {
			return def.Read(events.Event{
				ID: events.EventID(stream, version), Stream: stream, Version: version,
				Type: def.Type, SchemaVersion: def.Schema, OccurredAt: at, Data: data, StreamKey: info.StreamKey,
			})
		}
	}
	return events.Fact{}, events.Errorf(events.CodeInternal, "domain %s does not list event type %q", info.Name, v.EventType())
}
