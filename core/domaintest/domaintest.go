// Package domaintest tests a domain the way the decider pattern reads:
// given these events, when this command, then these events or this
// rejection. It needs no store, no state machine and no clock.
package domaintest

import (
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/core"
)

// Given folds given over d's initial state, as the events of stream at
// versions 1, 2, 3…, each dated at. It returns the state and the facts it
// recorded.
func Given[S any, C core.Command](d core.Domain[S, C], stream string, at time.Time, given ...core.Data) (S, []core.Fact, error) {
	return record(d, d.Initial(), nil, stream, at, given)
}

// When decides c after given, the events of c's stream, at business time
// at, and returns the data of the events it records or the rejection.
func When[S any, C core.Command](d core.Domain[S, C], at time.Time, given []core.Data, c C) ([]core.Data, error) {
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
func Play[S any, C core.Command](d core.Domain[S, C], at time.Time, cmds ...C) (S, []core.Fact, error) {
	s := d.Initial()
	var facts []core.Fact
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
func Decide[S any, C core.Command](d core.Domain[S, C], s S, facts []core.Fact, c C, at time.Time) ([]core.Data, error) {
	in := core.Input{Version: int64(len(facts)), At: at, Refs: map[int64]core.Fact{}}
	for _, v := range c.Meta().Refs {
		if v >= 1 && v <= int64(len(facts)) {
			in.Refs[v] = facts[v-1]
		}
	}
	return d.Decide(s, c, in)
}

// record folds data over s as the events of stream after facts, through
// their JSON and the domain's event definitions, as the tasks do.
func record[S any, C core.Command](d core.Domain[S, C], s S, facts []core.Fact, stream string, at time.Time, data []core.Data) (S, []core.Fact, error) {
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
func fact(info core.Info, stream string, version int64, at time.Time, v core.Data) (core.Fact, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return core.Fact{}, err
	}
	for _, def := range info.Events {
		if def.Type == v.EventType() {
			return def.Read(core.Event{
				ID: core.EventID(stream, version), Stream: stream, Version: version,
				Type: def.Type, SchemaVersion: def.Schema, OccurredAt: at, Data: data, StreamKey: info.StreamKey,
			})
		}
	}
	return core.Fact{}, core.Errorf(core.CodeInternal, "domain %s does not list event type %q", info.Name, v.EventType())
}
