package tasks

import (
	"context"

	"github.com/stepfold/stepfold/events"
)

// ValidateInput is the payload of the Validate step.
type ValidateInput struct {
	Command events.Command `json:"command"`
}

// Decision is what Validate returns: the events that record the command,
// to be appended after ExpectedVersion.
type Decision struct {
	ExpectedVersion int64          `json:"expectedVersion"`
	Events          []events.Event `json:"events"`
}

// Validate decides a command against the account's current state.
//
// A command id that was already applied, for the same request (the same
// events.Command Fingerprint), returns the events stored the first time,
// with ExpectedVersion just before them, so that Persist recognises the
// duplicate and a retried request gets the answer it got before. Applied
// for a different request, it is IdempotencyKeyReused.
//
// It returns the rejection codes of events.Decide (InvalidCommand,
// AccountNotFound, InsufficientFunds, ...), IdempotencyKeyReused and the
// store's codes (StoreUnavailable, Throttled, ...).
func (s *Service) Validate(ctx context.Context, in ValidateInput) (Decision, error) {
	c := in.Command
	if err := c.Validate(); err != nil {
		return Decision{}, err
	}
	done, err := s.store.Command(ctx, c.AccountID, c.CommandID, c.Fingerprint())
	if err != nil {
		return Decision{}, err
	}
	if len(done) > 0 {
		return Decision{ExpectedVersion: done[0].Version - 1, Events: done}, nil
	}
	return s.decide(ctx, c)
}

func (s *Service) decide(ctx context.Context, c events.Command) (Decision, error) {
	h, err := s.store.Load(ctx, c.AccountID)
	if err != nil {
		return Decision{}, err
	}
	state, err := h.State()
	if err != nil {
		return Decision{}, err
	}
	if state, err = s.openedAt(ctx, state); err != nil {
		return Decision{}, err
	}
	original, err := s.original(ctx, state, c)
	if err != nil {
		return Decision{}, err
	}
	evs, err := events.Decide(state, c, original, s.now())
	if err != nil {
		return Decision{}, err
	}
	return Decision{ExpectedVersion: state.Version, Events: evs}, nil
}

// openedAt fills in the opening time of a state folded from a snapshot
// written before State had one, from the account's first event, which is
// always its AccountOpened.
func (s *Service) openedAt(ctx context.Context, state events.State) (events.State, error) {
	if state.Status == events.StatusNone || !state.OpenedAt.IsZero() {
		return state, nil
	}
	first, err := s.store.Read(ctx, state.Account, 1, 1)
	if err != nil {
		return events.State{}, err
	}
	if len(first) == 1 && first[0].Type == events.AccountOpened {
		state.OpenedAt = first[0].OccurredAt
	}
	return state, nil
}

// original reads the event a ReverseTransaction names, or returns nil when
// the command is not a reversal or the account's log has no such event.
func (s *Service) original(ctx context.Context, state events.State, c events.Command) (*events.Event, error) {
	if c.Type != events.ReverseTransaction {
		return nil, nil
	}
	account, version, err := events.ParseEventID(c.EventID)
	if err != nil || account != c.AccountID || version > state.Version {
		return nil, nil // Decide names the problem
	}
	evs, err := s.store.Read(ctx, account, version, 1)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	return &evs[0], nil
}
