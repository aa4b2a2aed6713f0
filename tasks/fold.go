package tasks

import (
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// folded is a domain state with what the core tracks beside it.
type folded[S any] struct {
	state   S
	version int64
	lastAt  time.Time // the latest business time folded
}

// restore decodes a stored snapshot, or starts from the initial state.
func (s *Service[S, C]) restore(snap events.Snapshot) (folded[S], error) {
	f := folded[S]{state: s.domain.Initial()}
	if snap.Version == 0 {
		return f, nil
	}
	if err := json.Unmarshal(snap.State, &f.state); err != nil {
		return folded[S]{}, events.Wrap(events.CodeInternal, err, "the stored state at version "+itoa(snap.Version)+" does not decode")
	}
	f.version, f.lastAt = snap.Version, snap.LastOccurredAt
	return f, nil
}

// snapshot encodes f for a store.
func (s *Service[S, C]) snapshot(f folded[S]) (events.Snapshot, error) {
	b, err := json.Marshal(f.state)
	if err != nil {
		return events.Snapshot{}, events.Wrap(events.CodeInternal, err, "the state at version "+itoa(f.version)+" does not encode")
	}
	return events.Snapshot{Version: f.version, State: b, LastOccurredAt: f.lastAt}, nil
}

// fact reads e as the domain's data at the current schema.
func (s *Service[S, C]) fact(e events.Event) (events.Fact, error) {
	d, ok := s.defs[e.Type]
	if !ok {
		return events.Fact{}, events.Errorf(events.CodeInternal, "event %s has type %q, which domain %s does not know", e.ID, e.Type, s.info.Name)
	}
	e.StreamKey = s.info.StreamKey
	return d.Read(e)
}

// apply folds one fact, which must be the next version.
func (s *Service[S, C]) apply(f folded[S], x events.Fact) (folded[S], error) {
	if x.Event.Version != f.version+1 {
		return f, events.Errorf(events.CodeInternal, "event %s does not follow version %d", x.Event.ID, f.version)
	}
	f.state = s.domain.Evolve(f.state, x)
	f.version = x.Event.Version
	if x.Event.OccurredAt.After(f.lastAt) {
		f.lastAt = x.Event.OccurredAt
	}
	return f, nil
}

// replay folds stored events over f.
func (s *Service[S, C]) replay(f folded[S], evs []events.Event) (folded[S], error) {
	for _, e := range evs {
		x, err := s.fact(e)
		if err != nil {
			return f, err
		}
		if f, err = s.apply(f, x); err != nil {
			return f, err
		}
	}
	return f, nil
}

// load folds a stream's history into its current state.
func (s *Service[S, C]) load(h events.History) (folded[S], error) {
	f, err := s.restore(h.Snapshot)
	if err != nil {
		return f, err
	}
	return s.replay(f, h.Events)
}

// stamp sets the domain's stream key on events read from a store.
func (s *Service[S, C]) stamp(evs []events.Event) []events.Event {
	for i := range evs {
		evs[i].StreamKey = s.info.StreamKey
	}
	return evs
}
