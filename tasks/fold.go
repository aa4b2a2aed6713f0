package tasks

import (
	"context"
	"errors"

	"github.com/stepfold/stepfold/events"
)

// Result is what Fold returns: the account as of the last folded event,
// and the events.
type Result struct {
	Account  string         `json:"account"`
	Version  int64          `json:"version"`
	Balance  int64          `json:"balance"`
	Currency string         `json:"currency"`
	Status   events.Status  `json:"status"`
	Events   []events.Event `json:"events"`
}

// Fold brings the read model up to date with stored events, idempotently
// and in any order: events the read model already holds change nothing,
// and a gap before them (a lost or late Fold) is filled by rebuilding the
// state from the log.
//
// The result is the state as of the last of the events, not the latest
// state, so a duplicate command gets the answer it got the first time.
//
// It returns InvalidArgument unless the events are consecutive versions of
// one account, and the stores' codes (StoreUnavailable, Throttled, ...).
func (s *Service) Fold(ctx context.Context, in EventsInput) (Result, error) {
	if err := checkRun(in.Events); err != nil {
		return Result{}, err
	}
	first, last := in.Events[0], in.Events[len(in.Events)-1]
	cur, err := s.current(ctx, first.Account)
	if err != nil {
		return Result{}, err
	}
	var at events.State
	switch {
	case cur.Version >= last.Version:
		at, err = s.alreadyFolded(ctx, cur, last)
	case cur.Version+1 >= first.Version:
		at, err = s.foldNext(ctx, cur, in.Events[cur.Version+1-first.Version:])
	default:
		at, err = s.rebuild(ctx, last)
	}
	if err != nil {
		return Result{}, err
	}
	return result(at, in.Events), nil
}

// checkRun reports whether evs are consecutive versions of one account.
func checkRun(evs []events.Event) error {
	if len(evs) == 0 {
		return events.Errorf(events.CodeInvalidArgument, "fold needs at least one event")
	}
	first := evs[0]
	if !events.ValidID(first.Account) || first.Version < 1 {
		return events.Errorf(events.CodeInvalidArgument, "event %q has no valid account and version", first.ID)
	}
	for i, e := range evs {
		if e.Account != first.Account || e.Version != first.Version+int64(i) {
			return events.Errorf(events.CodeInvalidArgument, "event %q must be %s", e.ID, events.EventID(first.Account, first.Version+int64(i)))
		}
	}
	return nil
}

// current returns the read model's state of account, or the zero State.
func (s *Service) current(ctx context.Context, account string) (events.State, error) {
	st, err := s.states.Get(ctx, account)
	if errors.Is(err, events.ErrAccountNotFound) {
		return events.State{}, nil
	}
	return st, err
}

// alreadyFolded returns the state at last when the read model is there or
// beyond.
func (s *Service) alreadyFolded(ctx context.Context, cur events.State, last events.Event) (events.State, error) {
	if cur.Version == last.Version {
		return cur, nil
	}
	return s.stateAt(ctx, last)
}

// foldNext applies the events that follow cur and stores the result.
func (s *Service) foldNext(ctx context.Context, cur events.State, evs []events.Event) (events.State, error) {
	next, err := events.Replay(cur, evs)
	if err != nil {
		return events.State{}, err
	}
	if _, err := s.states.Put(ctx, next); err != nil {
		return events.State{}, err
	}
	return next, nil
}

// rebuild stores the latest state from the log and returns the state at last.
func (s *Service) rebuild(ctx context.Context, last events.Event) (events.State, error) {
	h, err := s.store.Load(ctx, last.Account)
	if err != nil {
		return events.State{}, err
	}
	latest, err := h.State()
	if err != nil {
		return events.State{}, err
	}
	if latest.Version >= last.Version {
		if _, err := s.states.Put(ctx, latest); err != nil {
			return events.State{}, err
		}
	}
	if latest.Version == last.Version {
		return latest, nil
	}
	return s.stateAt(ctx, last)
}

// stateAt recomputes the state at event last from the log.
func (s *Service) stateAt(ctx context.Context, last events.Event) (events.State, error) {
	at, err := s.replayTo(ctx, last.Account, last.Version)
	if err != nil {
		return events.State{}, err
	}
	if at.Version != last.Version {
		return events.State{}, events.Errorf(events.CodeInternal, "the log of account %s ends at version %d, before event %s", last.Account, at.Version, last.ID)
	}
	return at, nil
}

func result(s events.State, evs []events.Event) Result {
	return Result{Account: s.Account, Version: s.Version, Balance: s.Balance, Currency: s.Currency, Status: s.Status, Events: evs}
}
