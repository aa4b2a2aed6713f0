package tasks

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/core"
)

// ValidateInput is the payload of the Validate step: the command, as the
// execution received it.
type ValidateInput struct {
	Command json.RawMessage `json:"command"`
}

// Decision is what Validate returns: the events that record the command, to
// be appended after ExpectedVersion, and the snapshots they reach.
type Decision struct {
	ExpectedVersion int64           `json:"expectedVersion"`
	Events          []core.Event    `json:"events"`
	Snapshots       []core.Snapshot `json:"snapshots"`
	// Fingerprint identifies the request, for Persist to record beside the
	// command id (see core.CommandFingerprint).
	Fingerprint core.Fingerprint `json:"fingerprint"`
}

// Validate decides a command against the stream's current state.
//
// A command id that was already applied returns the events stored the
// first time, with ExpectedVersion just before them, so that Persist
// recognises the duplicate and a retried request gets the answer it got
// before.
//
// It returns InvalidCommand, the domain's rejections, and the store's codes
// (StoreUnavailable, Throttled, ...).
func (s *Service[S, C]) Validate(ctx context.Context, in ValidateInput) (Decision, error) {
	c, err := s.domain.Decode(in.Command)
	if err != nil {
		return Decision{}, err
	}
	m := c.Meta()
	if err := checkMeta(m); err != nil {
		return Decision{}, err
	}
	fp, err := core.CommandFingerprint(c, in.Command)
	if err != nil {
		return Decision{}, err
	}
	done, err := s.store.Command(ctx, m.Stream, m.ID, fp)
	if err != nil {
		return Decision{}, err
	}
	if len(done) > 0 {
		return Decision{ExpectedVersion: done[0].Version - 1, Events: s.stamp(done), Snapshots: []core.Snapshot{}, Fingerprint: fp}, nil
	}
	d, err := s.decide(ctx, c, m)
	d.Fingerprint = fp
	return d, err
}

func checkMeta(m core.CommandMeta) error {
	switch {
	case !core.ValidID(m.Stream):
		return invalidID("stream id", m.Stream)
	case !core.ValidID(m.ID):
		return invalidID("commandId", m.ID)
	case m.CorrelationID != "" && !core.ValidID(m.CorrelationID):
		return invalidID("correlationId", m.CorrelationID)
	}
	return nil
}

func invalidID(what, id string) error {
	return core.Errorf(core.CodeInvalidCommand, "%s %q must be 1 to %d letters, digits, '_', '.' or '-', and not . or ..", what, id, core.MaxIDLength)
}

func (s *Service[S, C]) decide(ctx context.Context, c C, m core.CommandMeta) (Decision, error) {
	h, err := s.store.Load(ctx, m.Stream)
	if err != nil {
		return Decision{}, err
	}
	f, err := s.load(h)
	if err != nil {
		return Decision{}, err
	}
	refs, err := s.refs(ctx, m, f.version)
	if err != nil {
		return Decision{}, err
	}
	at := m.OccurredAt
	if at.IsZero() {
		at = s.cfg.now()
	}
	data, err := s.domain.Decide(f.state, c, core.Input{Version: f.version, At: at, Refs: refs})
	if err != nil {
		return Decision{}, err
	}
	return s.record(f, m, at.UTC(), data)
}

// refs reads the earlier events a command names, those the stream has.
func (s *Service[S, C]) refs(ctx context.Context, m core.CommandMeta, version int64) (map[int64]core.Fact, error) {
	if len(m.Refs) == 0 {
		return nil, nil
	}
	out := make(map[int64]core.Fact, len(m.Refs))
	for _, v := range m.Refs {
		if v < 1 || v > version {
			continue
		}
		evs, err := s.store.Read(ctx, m.Stream, v, 1)
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			continue
		}
		if out[v], err = s.fact(evs[0]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// record turns the decided data into events after f, and computes the
// snapshots they reach.
func (s *Service[S, C]) record(f folded[S], m core.CommandMeta, at time.Time, data []core.Data) (Decision, error) {
	if len(data) == 0 {
		return Decision{}, core.Errorf(core.CodeInternal, "domain %s decided %s with no events", s.info.Name, m.Type)
	}
	d := Decision{ExpectedVersion: f.version, Events: make([]core.Event, len(data)), Snapshots: []core.Snapshot{}}
	for i, v := range data {
		e, err := s.event(m, f.version+int64(i)+1, at, v)
		if err != nil {
			return Decision{}, err
		}
		d.Events[i] = e
		if f, err = s.apply(f, core.Fact{Event: e, Data: v}); err != nil {
			return Decision{}, err
		}
		if core.SnapshotDue(e.Version) {
			snap, err := s.snapshot(f)
			if err != nil {
				return Decision{}, err
			}
			d.Snapshots = append(d.Snapshots, snap)
		}
	}
	return d, nil
}

// event builds the envelope of one decided event.
func (s *Service[S, C]) event(m core.CommandMeta, version int64, at time.Time, v core.Data) (core.Event, error) {
	def, ok := s.defs[v.EventType()]
	if !ok {
		return core.Event{}, core.Errorf(core.CodeInternal, "domain %s decided an event of type %q, which its Info does not list", s.info.Name, v.EventType())
	}
	data, err := json.Marshal(v)
	if err != nil {
		return core.Event{}, core.Wrap(core.CodeInternal, err, "the data of "+def.Type+" does not encode")
	}
	return core.Event{
		ID: core.EventID(m.Stream, version), Stream: m.Stream, Version: version,
		Type: def.Type, SchemaVersion: def.Schema, OccurredAt: at,
		CommandID: m.ID, CorrelationID: m.CorrelationID, Data: data, StreamKey: s.info.StreamKey,
	}, nil
}
