package tasks

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// ValidateInput is the payload of the Validate step: the command, as the
// execution received it.
type ValidateInput struct {
	Command json.RawMessage `json:"command"`
}

// Decision is what Validate returns: the events that record the command, to
// be appended after ExpectedVersion, and the snapshots they reach.
type Decision struct {
	ExpectedVersion int64             `json:"expectedVersion"`
	Events          []events.Event    `json:"events"`
	Snapshots       []events.Snapshot `json:"snapshots"`
	// Fingerprint identifies the request, for Persist to record beside the
	// command id (see events.CommandFingerprint).
	Fingerprint events.Fingerprint `json:"fingerprint"`
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
	fp, err := events.CommandFingerprint(c, in.Command)
	if err != nil {
		return Decision{}, err
	}
	done, err := s.store.Command(ctx, m.Stream, m.ID, fp)
	if err != nil {
		return Decision{}, s.named(err, m.Stream, m.ID)
	}
	if len(done) > 0 {
		return Decision{ExpectedVersion: done[0].Version - 1, Events: s.stamp(done), Snapshots: []events.Snapshot{}, Fingerprint: fp}, nil
	}
	d, err := s.decide(ctx, c, m)
	d.Fingerprint = fp
	return d, err
}

func checkMeta(m events.CommandMeta) error {
	switch {
	case !events.ValidID(m.Stream):
		return invalidID("stream id", m.Stream)
	case !events.ValidID(m.ID):
		return invalidID("commandId", m.ID)
	case m.CorrelationID != "" && !events.ValidID(m.CorrelationID):
		return invalidID("correlationId", m.CorrelationID)
	}
	return nil
}

func invalidID(what, id string) error {
	return events.Errorf(events.CodeInvalidCommand, "%s %q must be 1 to %d letters, digits, '_', '.' or '-', and not . or ..", what, id, events.MaxIDLength)
}

func (s *Service[S, C]) decide(ctx context.Context, c C, m events.CommandMeta) (Decision, error) {
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
	data, err := s.domain.Decide(f.state, c, events.Input{Version: f.version, At: at, Refs: refs})
	if err != nil {
		return Decision{}, err
	}
	return s.record(f, m, at.UTC(), data)
}

// refs reads the earlier events a command names, those the stream has.
func (s *Service[S, C]) refs(ctx context.Context, m events.CommandMeta, version int64) (map[int64]events.Fact, error) {
	if len(m.Refs) == 0 {
		return nil, nil
	}
	out := make(map[int64]events.Fact, len(m.Refs))
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
func (s *Service[S, C]) record(f folded[S], m events.CommandMeta, at time.Time, data []events.Data) (Decision, error) {
	if len(data) == 0 {
		return Decision{}, events.Errorf(events.CodeInternal, "domain %s decided %s with no events", s.info.Name, m.Type)
	}
	d := Decision{ExpectedVersion: f.version, Events: make([]events.Event, len(data)), Snapshots: []events.Snapshot{}}
	for i, v := range data {
		e, err := s.event(m, d.ExpectedVersion+int64(i)+1, at, v)
		if err != nil {
			return Decision{}, err
		}
		d.Events[i] = e
		if f, err = s.apply(f, events.Fact{Event: e, Data: v}); err != nil {
			return Decision{}, err
		}
		if events.SnapshotDue(e.Version) {
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
func (s *Service[S, C]) event(m events.CommandMeta, version int64, at time.Time, v events.Data) (events.Event, error) {
	def, ok := s.defs[v.EventType()]
	if !ok {
		return events.Event{}, events.Errorf(events.CodeInternal, "domain %s decided an event of type %q, which its Info does not list", s.info.Name, v.EventType())
	}
	data, err := json.Marshal(v)
	if err != nil {
		return events.Event{}, events.Wrap(events.CodeInternal, err, "the data of "+def.Type+" does not encode")
	}
	return events.Event{
		ID: events.EventID(m.Stream, version), Stream: m.Stream, Version: version,
		Type: def.Type, SchemaVersion: def.Schema, OccurredAt: at,
		CommandID: m.ID, CorrelationID: m.CorrelationID, Data: data, StreamKey: s.info.StreamKey,
	}, nil
}

// named rewords a store's IdempotencyKeyReused with the domain's name for
// the stream ("account acc-1"); other errors pass as they are.
func (s *Service[S, C]) named(err error, stream, commandID string) error {
	if events.ErrorCode(err) != events.CodeIdempotencyKeyReused {
		return err
	}
	return events.KeyReused(s.noun()+" "+stream, commandID)
}
