package account

import (
	"slices"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Status is the lifecycle stage of an account.
type Status string

// The account statuses. The initial State has StatusNone: no such account.
const (
	StatusNone   Status = ""
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// State is an account folded from its events: the read model's state and
// the snapshot kept every events.SnapshotEvery events.
type State struct {
	Account  string `json:"account"`
	Version  int64  `json:"version"`
	Status   Status `json:"status"`
	Currency string `json:"currency,omitempty"`
	// Balance is in minor units.
	Balance int64 `json:"balance"`
	// OpenedAt is the business time of the AccountOpened event. No later
	// command may be dated before it (OccurredBeforeOpening).
	OpenedAt time.Time `json:"openedAt,omitzero"`
	// Reversed lists, in order, the versions of transactions already reversed.
	Reversed []int64 `json:"reversed,omitempty"`
	// LastOccurredAt is the latest business time among the events folded.
	// Business time need not grow with version (an event may be backdated),
	// so this is a running maximum.
	LastOccurredAt time.Time `json:"lastOccurredAt,omitzero"`
}

// Initial is the state of an account with no events.
func (Domain) Initial() State { return State{} }

// Evolve is the pure transition: the state after f.
func (Domain) Evolve(s State, f events.Fact) State {
	e := f.Event
	s.Account, s.Version = e.Stream, e.Version
	if e.OccurredAt.After(s.LastOccurredAt) {
		s.LastOccurredAt = e.OccurredAt
	}
	switch d := f.Data.(type) {
	case Opened:
		s.Status, s.Currency, s.OpenedAt = StatusOpen, d.Currency, e.OccurredAt
	case Deposited:
		s.Balance += d.Amount
	case Withdrawn:
		s.Balance -= d.Amount
	case Reversed:
		if _, v, err := events.ParseEventID(d.EventID); err == nil {
			s.Reversed = insertSorted(s.Reversed, v)
		}
		s.Balance += d.Delta
	case Closed:
		s.Status = StatusClosed
	}
	return s
}

func insertSorted(vs []int64, v int64) []int64 {
	i, found := slices.BinarySearch(vs, v)
	if found {
		return vs
	}
	return slices.Insert(slices.Clip(vs), i, v)
}

// WasReversed reports whether the transaction at version was already reversed.
func (s State) WasReversed(version int64) bool {
	_, found := slices.BinarySearch(s.Reversed, version)
	return found
}
