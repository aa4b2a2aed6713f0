package events

import (
	"encoding/json"
	"math"
	"time"
)

// Decide applies the rules to command c against the current state s. It
// returns the events that record the accepted command, or an *Error naming
// the rule that refused it.
//
// original is the event that a ReverseTransaction names, as read from the
// log, or nil when the log has no such event; other commands ignore it.
// now is the business time used when c.OccurredAt is zero.
//
// The returned events carry their ids, versions (s.Version+1 onwards) and
// business time; the store sets RecordedAt.
func Decide(s State, c Command, original *Event, now time.Time) ([]Event, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkStatus(s, c); err != nil {
		return nil, err
	}
	if err := checkOpened(s, c, now); err != nil {
		return nil, err
	}
	typ, data, err := decide(s, c, original)
	if err != nil {
		return nil, err
	}
	return []Event{newEvent(s, c, typ, data, now)}, nil
}

// checkOpened refuses a command dated before the account opened, so that
// every event of an account is at or after its opening in business time,
// and a state as of any time before the opening is "not open yet".
func checkOpened(s State, c Command, now time.Time) error {
	at := occurredAt(c, now)
	if c.Type == OpenAccount || !at.Before(s.OpenedAt) {
		return nil
	}
	return Errorf(CodeOccurredBeforeOpening, "a %s dated %s is before account %s opened, at %s",
		c.Type, at.UTC().Format(time.RFC3339Nano), c.AccountID, s.OpenedAt.UTC().Format(time.RFC3339Nano))
}

// occurredAt is the business time of c: its OccurredAt, or now.
func occurredAt(c Command, now time.Time) time.Time {
	if c.OccurredAt.IsZero() {
		return now
	}
	return c.OccurredAt
}

func checkStatus(s State, c Command) error {
	switch {
	case c.Type == OpenAccount && s.Status != StatusNone:
		return Errorf(CodeAccountAlreadyExists, "account %s already exists", c.AccountID)
	case c.Type != OpenAccount && s.Status == StatusNone:
		return Errorf(CodeAccountNotFound, "account %s does not exist", c.AccountID)
	case s.Status == StatusClosed:
		return Errorf(CodeAccountClosed, "account %s is closed and accepts nothing", c.AccountID)
	}
	return nil
}

func decide(s State, c Command, original *Event) (EventType, any, error) {
	switch c.Type {
	case OpenAccount:
		return AccountOpened, Opened{Currency: c.Currency}, nil
	case Deposit:
		return decideDeposit(s, c)
	case Withdraw:
		return decideWithdraw(s, c)
	case CloseAccount:
		if s.Balance != 0 {
			return "", nil, Errorf(CodeBalanceNotZero, "account %s holds %s; only a zero balance can be closed", c.AccountID, FormatAmount(s.Balance, s.Currency))
		}
		return AccountClosed, Closed{}, nil
	}
	return decideReversal(s, c, original)
}

func decideDeposit(s State, c Command) (EventType, any, error) {
	if err := checkCurrency(s, c); err != nil {
		return "", nil, err
	}
	if c.Amount > math.MaxInt64-s.Balance {
		return "", nil, Errorf(CodeAmountOverflow, "depositing %s into account %s would overflow its balance of %s",
			FormatAmount(c.Amount, s.Currency), c.AccountID, FormatAmount(s.Balance, s.Currency))
	}
	return FundsDeposited, Transaction{Amount: c.Amount, Reference: c.Reference}, nil
}

func decideWithdraw(s State, c Command) (EventType, any, error) {
	if err := checkCurrency(s, c); err != nil {
		return "", nil, err
	}
	if c.Amount > s.Balance {
		return "", nil, Errorf(CodeInsufficientFunds, "account %s holds %s; cannot withdraw %s",
			c.AccountID, FormatAmount(s.Balance, s.Currency), FormatAmount(c.Amount, s.Currency))
	}
	return FundsWithdrawn, Transaction{Amount: c.Amount, Reference: c.Reference}, nil
}

func checkCurrency(s State, c Command) error {
	if c.Currency != "" && c.Currency != s.Currency {
		return Errorf(CodeCurrencyMismatch, "account %s holds %s, not %s", c.AccountID, s.Currency, c.Currency)
	}
	return nil
}

func decideReversal(s State, c Command, original *Event) (EventType, any, error) {
	account, version, _ := ParseEventID(c.EventID)
	if account != c.AccountID || version > s.Version || original == nil || original.ID != c.EventID {
		return "", nil, Errorf(CodeTransactionNotFound, "account %s has no event %s", c.AccountID, c.EventID)
	}
	if original.Type != FundsDeposited && original.Type != FundsWithdrawn {
		return "", nil, Errorf(CodeTransactionNotFound, "event %s is %s; only deposits and withdrawals can be reversed", c.EventID, original.Type)
	}
	if s.WasReversed(version) {
		return "", nil, Errorf(CodeTransactionAlreadyReversed, "event %s was already reversed", c.EventID)
	}
	var t Transaction
	if err := decode(*original, &t); err != nil {
		return "", nil, err
	}
	delta := -sign(original.Type) * t.Amount
	if err := checkDelta(s, c, delta); err != nil {
		return "", nil, err
	}
	return TransactionReversed, Reversal{EventID: c.EventID, Original: original.Type, Delta: delta}, nil
}

func checkDelta(s State, c Command, delta int64) error {
	if delta < 0 && s.Balance+delta < 0 {
		return Errorf(CodeInsufficientFunds, "reversing %s would take account %s from %s to %s",
			c.EventID, c.AccountID, FormatAmount(s.Balance, s.Currency), FormatAmount(s.Balance+delta, s.Currency))
	}
	if delta > 0 && delta > math.MaxInt64-s.Balance {
		return Errorf(CodeAmountOverflow, "reversing %s would overflow the balance of account %s", c.EventID, c.AccountID)
	}
	return nil
}

func newEvent(s State, c Command, typ EventType, data any, now time.Time) Event {
	at := occurredAt(c, now)
	raw, _ := json.Marshal(data) // the data types above always encode
	v := s.Version + 1
	return Event{
		ID: EventID(c.AccountID, v), Account: c.AccountID, Version: v,
		Type: typ, SchemaVersion: SchemaVersion, OccurredAt: at.UTC(),
		CommandID: c.CommandID, CorrelationID: c.CorrelationID, Data: raw,
	}
}
