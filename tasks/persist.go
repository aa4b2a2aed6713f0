package tasks

import (
	"context"

	"github.com/stepfold/stepfold/events"
)

// PersistInput is the payload of the Persist step: the decision Validate
// made.
type PersistInput struct {
	ExpectedVersion int64              `json:"expectedVersion"`
	Events          []events.Event     `json:"events"`
	Snapshots       []events.Snapshot  `json:"snapshots"`
	Fingerprint     events.Fingerprint `json:"fingerprint"`
}

// Persisted is what Persist returns: the events as stored.
type Persisted struct {
	Events []events.Event `json:"events"`
	// Duplicate reports that the command had already been applied, so
	// Events are those stored the first time and nothing was written.
	Duplicate bool `json:"duplicate"`
}

// Persist appends the decided events, and the snapshots they reach, to the
// log. The stream and the command id are the events'.
//
// It returns IdempotencyKeyReused when the command id was recorded for a
// different request, VersionConflict when another command took the expected
// version first (the state machine validates again), InvalidArgument or
// EventTooLarge for events the store refuses, and the store's
// StoreUnavailable and Throttled.
func (s *Service[S, C]) Persist(ctx context.Context, in PersistInput) (Persisted, error) {
	if len(in.Events) == 0 {
		return Persisted{}, events.Errorf(events.CodeInvalidArgument, "persist needs at least one event")
	}
	first := in.Events[0]
	res, err := s.store.Append(ctx, events.Batch{
		Stream: first.Stream, Expected: in.ExpectedVersion, Events: in.Events,
		CommandID: first.CommandID, Fingerprint: in.Fingerprint, Snapshots: in.Snapshots,
	})
	if err != nil {
		return Persisted{}, s.named(err, first.Stream, first.CommandID)
	}
	return Persisted{Events: s.stamp(res.Events), Duplicate: res.Duplicate}, nil
}

// EventsInput is the payload of the Publish and Fold steps.
type EventsInput struct {
	Events []events.Event `json:"events"`
}

// Published is what Publish returns.
type Published struct {
	// Published counts the events handed to the publisher.
	Published int `json:"published"`
}

// Publish hands the stored events to the publisher, at least once: a
// retried step publishes the same events, with the same ids, again.
// Publishing no events does nothing.
//
// It returns the publisher's PublishFailed and Throttled.
func (s *Service[S, C]) Publish(ctx context.Context, in EventsInput) (Published, error) {
	if len(in.Events) == 0 {
		return Published{}, nil
	}
	if err := s.pub.Publish(ctx, s.stamp(in.Events)); err != nil {
		return Published{}, err
	}
	return Published{Published: len(in.Events)}, nil
}
