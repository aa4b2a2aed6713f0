package tasks

import (
	"context"

	"github.com/stepfold/stepfold/events"
)

// PersistInput is the payload of the Persist step: the command and the
// decision Validate made for it.
type PersistInput struct {
	Command         events.Command `json:"command"`
	ExpectedVersion int64          `json:"expectedVersion"`
	Events          []events.Event `json:"events"`
}

// Persisted is what Persist returns: the events as stored.
type Persisted struct {
	Events []events.Event `json:"events"`
	// Duplicate reports that the command had already been applied, so
	// Events are those stored the first time and nothing was written.
	Duplicate bool `json:"duplicate"`
}

// Persist appends the decided events to the log, recording the command id
// with the fingerprint of the command (events.Command.Fingerprint).
//
// It returns VersionConflict when another command took the expected
// version first (the state machine validates again), IdempotencyKeyReused
// when another request with the same command id was applied first,
// InvalidArgument or EventTooLarge for events the store refuses, and the
// store's StoreUnavailable and Throttled.
func (s *Service) Persist(ctx context.Context, in PersistInput) (Persisted, error) {
	res, err := s.store.Append(ctx, in.Command.AccountID, in.ExpectedVersion, in.Events, in.Command.CommandID, in.Command.Fingerprint())
	if err != nil {
		return Persisted{}, err
	}
	return Persisted{Events: res.Events, Duplicate: res.Duplicate}, nil
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
func (s *Service) Publish(ctx context.Context, in EventsInput) (Published, error) {
	if len(in.Events) == 0 {
		return Published{}, nil
	}
	if err := s.pub.Publish(ctx, in.Events); err != nil {
		return Published{}, err
	}
	return Published{Published: len(in.Events)}, nil
}
