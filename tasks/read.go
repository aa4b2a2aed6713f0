package tasks

import (
	"context"
	"errors"
	"math"

	"github.com/stepfold/stepfold/events"
)

// DefaultPageLimit is the number of events ListEvents returns when the
// caller does not say.
const DefaultPageLimit = 100

// GetAccount returns the precomputed state of account from the read model.
//
// It returns AccountNotFound for an account that does not exist, or whose
// id could not name one, and the store's codes.
func (s *Service) GetAccount(ctx context.Context, account string) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	st, err := s.states.Get(ctx, account)
	if errors.Is(err, events.ErrAccountNotFound) {
		return events.State{}, notFound(account)
	}
	return st, err
}

// Page is one page of an account's audit log.
type Page struct {
	Events []events.Event `json:"events"`
	// Next is the version to ask for the next page from, or 0 when this
	// page reaches the end of the log.
	Next int64 `json:"next,omitempty"`
}

// ListEvents returns up to limit events of account, in version order,
// starting at version from.
//
// It returns InvalidCommand when from is below 1 or limit is not between 1
// and events.MaxReadLimit, AccountNotFound for an account without events,
// and the store's codes.
func (s *Service) ListEvents(ctx context.Context, account string, from int64, limit int) (Page, error) {
	if err := checkAccount(account); err != nil {
		return Page{}, err
	}
	if err := checkPage(from, limit); err != nil {
		return Page{}, err
	}
	evs, err := s.store.Read(ctx, account, from, min(limit+1, events.MaxReadLimit))
	if err != nil {
		return Page{}, err
	}
	if len(evs) == 0 {
		return s.emptyPage(ctx, account)
	}
	return page(evs, limit), nil
}

func checkPage(from int64, limit int) error {
	if from < 1 {
		return events.Errorf(events.CodeInvalidCommand, "from must be a version of 1 or more, got %d", from)
	}
	if limit < 1 || limit > events.MaxReadLimit {
		return events.Errorf(events.CodeInvalidCommand, "limit must be between 1 and %d, got %d", events.MaxReadLimit, limit)
	}
	return nil
}

// page cuts a read of up to limit+1 events to limit and sets the cursor.
func page(evs []events.Event, limit int) Page {
	switch {
	case len(evs) > limit:
		return Page{Events: evs[:limit], Next: evs[limit].Version}
	case len(evs) == events.MaxReadLimit:
		return Page{Events: evs, Next: evs[len(evs)-1].Version + 1}
	}
	return Page{Events: evs}
}

// emptyPage tells a page past the end of the log from a missing account.
func (s *Service) emptyPage(ctx context.Context, account string) (Page, error) {
	evs, err := s.store.Read(ctx, account, 1, 1)
	if err != nil {
		return Page{}, err
	}
	if len(evs) == 0 {
		return Page{}, notFound(account)
	}
	return Page{Events: []events.Event{}}, nil
}

// replayTo folds the log of account up to version v, from the latest
// snapshot at or before v. The result stops early where the log does.
func (s *Service) replayTo(ctx context.Context, account string, v int64) (events.State, error) {
	st, err := s.store.Snapshot(ctx, account, v)
	if err != nil {
		return events.State{}, err
	}
	for st.Version < v {
		evs, err := s.store.Read(ctx, account, st.Version+1, int(min(v-st.Version, int64(s.pageSize))))
		if err != nil || len(evs) == 0 {
			return st, err
		}
		if st, err = events.Replay(st, evs); err != nil {
			return events.State{}, err
		}
	}
	return st, nil
}

func checkAccount(account string) error {
	if !events.ValidID(account) {
		return events.Errorf(events.CodeAccountNotFound, "no account can have the id %q: ids are 1 to %d letters, digits, '_', '.' or '-'", account, events.MaxIDLength)
	}
	return nil
}

func notFound(account string) error {
	return events.Errorf(events.CodeAccountNotFound, "account %s does not exist", account)
}

// latest is the version that asks Snapshot for the latest snapshot.
const latest = math.MaxInt64
