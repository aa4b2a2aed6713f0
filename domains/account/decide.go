package account

import (
	"math"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Decide applies the rules to command c against the current state s. It
// returns the data of the one event that records the accepted command, or
// an *events.Error naming the rule that refused it. A reversal finds the
// transaction it undoes in in.Refs.
func (Domain) Decide(s State, c Command, in events.Input) ([]events.Data, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkStatus(s, c); err != nil {
		return nil, err
	}
	if err := checkOpened(s, c, in.At); err != nil {
		return nil, err
	}
	d, err := decide(s, c, in)
	if err != nil {
		return nil, err
	}
	return []events.Data{d}, nil
}

// checkOpened refuses a command dated before the account opened, so that
// every event of an account is at or after its opening in business time,
// and a state as of any time before the opening is "did not exist yet".
func checkOpened(s State, c Command, at time.Time) error {
	if c.Type == OpenAccount || !at.Before(s.OpenedAt) {
		return nil
	}
	return events.Errorf(CodeOccurredBeforeOpening, "a %s dated %s is before account %s opened, at %s",
		c.Type, at.UTC().Format(time.RFC3339Nano), c.AccountID, s.OpenedAt.UTC().Format(time.RFC3339Nano))
}

func checkStatus(s State, c Command) error {
	switch {
	case c.Type == OpenAccount && s.Status != StatusNone:
		return events.Errorf(CodeAccountAlreadyExists, "account %s already exists", c.AccountID)
	case c.Type != OpenAccount && s.Status == StatusNone:
		return events.Errorf(CodeAccountNotFound, "account %s does not exist", c.AccountID)
	case s.Status == StatusClosed:
		return events.Errorf(CodeAccountClosed, "account %s is closed and accepts nothing", c.AccountID)
	}
	return nil
}

func decide(s State, c Command, in events.Input) (events.Data, error) {
	switch c.Type {
	case OpenAccount:
		return Opened{Currency: c.Currency}, nil
	case Deposit:
		return decideDeposit(s, c)
	case Withdraw:
		return decideWithdraw(s, c)
	case CloseAccount:
		if s.Balance != 0 {
			return nil, events.Errorf(CodeBalanceNotZero, "account %s holds %s; only a zero balance can be closed", c.AccountID, FormatAmount(s.Balance, s.Currency))
		}
		return Closed{}, nil
	}
	return decideReversal(s, c, in.Refs)
}

func decideDeposit(s State, c Command) (events.Data, error) {
	if err := checkCurrency(s, c); err != nil {
		return nil, err
	}
	if c.Amount > math.MaxInt64-s.Balance {
		return nil, events.Errorf(CodeAmountOverflow, "depositing %s into account %s would overflow its balance of %s",
			FormatAmount(c.Amount, s.Currency), c.AccountID, FormatAmount(s.Balance, s.Currency))
	}
	return Deposited{Amount: c.Amount, Reference: c.Reference}, nil
}

func decideWithdraw(s State, c Command) (events.Data, error) {
	if err := checkCurrency(s, c); err != nil {
		return nil, err
	}
	if c.Amount > s.Balance {
		return nil, events.Errorf(CodeInsufficientFunds, "account %s holds %s; cannot withdraw %s",
			c.AccountID, FormatAmount(s.Balance, s.Currency), FormatAmount(c.Amount, s.Currency))
	}
	return Withdrawn{Amount: c.Amount, Reference: c.Reference}, nil
}

func checkCurrency(s State, c Command) error {
	if c.Currency != "" && c.Currency != s.Currency {
		return events.Errorf(CodeCurrencyMismatch, "account %s holds %s, not %s", c.AccountID, s.Currency, c.Currency)
	}
	return nil
}

// decideReversal undoes the deposit or withdrawal that c names, found in
// refs when it is one of the account's events.
func decideReversal(s State, c Command, refs map[int64]events.Fact) (events.Data, error) {
	_, version, _ := events.ParseEventID(c.EventID)
	original, ok := refs[version]
	if !ok || original.Event.ID != c.EventID {
		return nil, events.Errorf(CodeTransactionNotFound, "account %s has no event %s", c.AccountID, c.EventID)
	}
	var delta int64
	switch d := original.Data.(type) {
	case Deposited:
		delta = -d.Amount
	case Withdrawn:
		delta = d.Amount
	default:
		return nil, events.Errorf(CodeTransactionNotFound, "event %s is %s; only deposits and withdrawals can be reversed", c.EventID, original.Event.Type)
	}
	if s.WasReversed(version) {
		return nil, events.Errorf(CodeTransactionAlreadyReversed, "event %s was already reversed", c.EventID)
	}
	if err := checkDelta(s, c, delta); err != nil {
		return nil, err
	}
	return Reversed{EventID: c.EventID, Original: original.Event.Type, Delta: delta}, nil
}

func checkDelta(s State, c Command, delta int64) error {
	if delta < 0 && s.Balance+delta < 0 {
		return events.Errorf(CodeInsufficientFunds, "reversing %s would take account %s from %s to %s",
			c.EventID, c.AccountID, FormatAmount(s.Balance, s.Currency), FormatAmount(s.Balance+delta, s.Currency))
	}
	if delta > 0 && delta > math.MaxInt64-s.Balance {
		return events.Errorf(CodeAmountOverflow, "reversing %s would overflow the balance of account %s", c.EventID, c.AccountID)
	}
	return nil
}
