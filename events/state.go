package events

import (
	"encoding/json"
	"slices"
	"time"
)

// Status is the lifecycle stage of an account.
type Status string

// The account statuses. The zero State has StatusNone: no such account.
const (
	StatusNone   Status = ""
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// State is an account folded from its events. It doubles as the snapshot
// stored every SnapshotEvery events.
type State struct {
	Account  string `json:"account"`
	Version  int64  `json:"version"`
	Status   Status `json:"status"`
	Currency string `json:"currency,omitempty"`
	// Balance is in minor units.
	Balance int64 `json:"balance"`
	// OpenedAt is the business time of the AccountOpened event. No later
	// command may be dated before it (OccurredBeforeOpening). It is zero in
	// a snapshot written before the field existed.
	OpenedAt time.Time `json:"openedAt,omitzero"`
	// Reversed lists, in order, the versions of transactions already reversed.
	Reversed []int64 `json:"reversed,omitempty"`
	// LastOccurredAt is the latest business time among the events folded.
	// Business time need not grow with version (an event may be backdated),
	// so this is a running maximum; GetAt uses it to pick a snapshot.
	LastOccurredAt time.Time `json:"lastOccurredAt,omitzero"`
}

// SnapshotEvery is the snapshot interval: a store keeps the State at every
// version that is a multiple of it, written atomically with that event.
const SnapshotEvery = 10

// SnapshotDue reports whether a snapshot belongs at version.
func SnapshotDue(version int64) bool { return version > 0 && version%SnapshotEvery == 0 }

// Apply is the pure transition: the state after e. It assumes e is the next
// event of s's account; Replay checks that. An event whose data cannot be
// decoded, or whose type is unknown, only advances the version.
func Apply(s State, e Event) State {
	next, _ := apply(s, e)
	return next
}

func apply(s State, e Event) (State, error) {
	s.Account, s.Version = e.Account, e.Version
	if e.OccurredAt.After(s.LastOccurredAt) {
		s.LastOccurredAt = e.OccurredAt
	}
	switch e.Type {
	case AccountOpened:
		var d Opened
		err := decode(e, &d)
		s.Status, s.Currency, s.OpenedAt = StatusOpen, d.Currency, e.OccurredAt
		return s, err
	case FundsDeposited, FundsWithdrawn:
		amount, err := transactionAmount(e)
		s.Balance += sign(e.Type) * amount
		return s, err
	case TransactionReversed:
		var d Reversal
		err := decode(e, &d)
		if _, v, perr := ParseEventID(d.EventID); perr == nil {
			s.Reversed = insertSorted(s.Reversed, v)
		}
		s.Balance += d.Delta
		return s, err
	case AccountClosed:
		s.Status = StatusClosed
		return s, nil
	}
	return s, Errorf(CodeInternal, "event %s has unknown type %q", e.ID, e.Type)
}

func decode(e Event, v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return Wrap(CodeInternal, err, "event "+e.ID+" has undecodable data")
	}
	return nil
}

// transactionAmount reads the amount of a deposit or withdrawal. Data that
// this package wrote starts with the amount, which is read without a full
// decode; anything else takes the general path.
func transactionAmount(e Event) (int64, error) {
	const prefix = `{"amount":`
	d := e.Data
	if len(d) > len(prefix) && string(d[:len(prefix)]) == prefix {
		if n, ok := leadingInt(d[len(prefix):]); ok {
			return n, nil
		}
	}
	var t Transaction
	err := decode(e, &t)
	return t.Amount, err
}

// leadingInt parses a positive decimal integer followed by ',' or '}'.
func leadingInt(b []byte) (int64, bool) {
	var n int64
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9' && i < 18:
			n = n*10 + int64(c-'0')
		case (c == ',' || c == '}') && i > 0 && b[0] != '0':
			return n, true
		default:
			return 0, false
		}
	}
	return 0, false
}

// sign is the effect of a transaction type on the balance.
func sign(t EventType) int64 {
	if t == FundsWithdrawn {
		return -1
	}
	return 1
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

// Replay folds events over the snapshot s. The events must be s's account's
// next versions, without gaps; data that cannot be decoded is an error.
func Replay(s State, evs []Event) (State, error) {
	for _, e := range evs {
		if e.Version != s.Version+1 || (s.Account != "" && e.Account != s.Account) {
			return s, Errorf(CodeInternal, "event %s does not follow %s at version %d", e.ID, s.Account, s.Version)
		}
		var err error
		if s, err = apply(s, e); err != nil {
			return s, err
		}
	}
	return s, nil
}

// ReplayUntil folds, over s, the events whose business time is at or before
// t, skipping the others. Versions must still follow one another. The result
// is the state as of business time t, given that s holds only events at or
// before t.
func ReplayUntil(s State, evs []Event, t time.Time) (State, error) {
	version := s.Version
	for _, e := range evs {
		if e.Version != version+1 || (s.Account != "" && e.Account != s.Account) {
			return s, Errorf(CodeInternal, "event %s does not follow %s at version %d", e.ID, s.Account, version)
		}
		version = e.Version
		if e.OccurredAt.After(t) {
			continue
		}
		var err error
		if s, err = apply(s, e); err != nil {
			return s, err
		}
	}
	return s, nil
}
