package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

// Notification is what the account holder is told about one event.
type Notification struct {
	EventID    string    `json:"eventId"`
	Account    string    `json:"account"`
	Kind       Kind      `json:"kind"`
	Text       string    `json:"text"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Kind names what happened to the account.
type Kind string

// The kinds of notification, one per notified event type.
const (
	KindWithdrawal Kind = "withdrawal"
	KindReversal   Kind = "reversal"
	KindClosure    Kind = "closure"
)

// kindOf returns the kind of a notified event type, or "" for the others.
func kindOf(t string) Kind {
	switch t {
	case account.FundsWithdrawn:
		return KindWithdrawal
	case account.TransactionReversed:
		return KindReversal
	case account.AccountClosed:
		return KindClosure
	}
	return ""
}

// Currencies finds the currency an account is kept in.
type Currencies interface {
	// Currency returns account's ISO 4217 code, or AccountNotFound.
	Currency(ctx context.Context, account string) (string, error)
}

// build turns a notified event into its notification.
func build(ctx context.Context, cur Currencies, e events.Event) (Notification, error) {
	n := Notification{EventID: e.ID, Account: e.Stream, Kind: kindOf(e.Type), OccurredAt: e.OccurredAt}
	var err error
	switch e.Type {
	case account.FundsWithdrawn:
		n.Text, err = withdrawalText(ctx, cur, e)
	case account.TransactionReversed:
		n.Text, err = reversalText(ctx, cur, e)
	case account.AccountClosed:
		n.Text = fmt.Sprintf("Account %s was closed on %s", e.Stream, day(e))
	default:
		err = events.Errorf(events.CodeInvalidArgument, "notify: event %s of type %s is not notified", e.ID, e.Type)
	}
	return n, err
}

func withdrawalText(ctx context.Context, cur Currencies, e events.Event) (string, error) {
	var t account.Withdrawn
	if err := decode(e, &t); err != nil {
		return "", err
	}
	if t.Amount <= 0 {
		return "", events.Errorf(events.CodeInvalidArgument, "notify: withdrawal %s has amount %d; it must be positive", e.ID, t.Amount)
	}
	amount, err := amountOf(ctx, cur, e.Stream, t.Amount)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s was withdrawn from account %s on %s", amount, e.Stream, day(e)), nil
}

func reversalText(ctx context.Context, cur Currencies, e events.Event) (string, error) {
	var r account.Reversed
	if err := decode(e, &r); err != nil {
		return "", err
	}
	if r.Delta == 0 {
		return "", events.Errorf(events.CodeInvalidArgument, "notify: reversal %s changes the balance by 0", e.ID)
	}
	amount, err := amountOf(ctx, cur, e.Stream, r.Delta)
	if err != nil {
		return "", err
	}
	amount = strings.TrimPrefix(amount, "-")
	if r.Delta > 0 {
		return fmt.Sprintf("Withdrawal %s was reversed: %s was returned to account %s on %s", r.EventID, amount, e.Stream, day(e)), nil
	}
	return fmt.Sprintf("Deposit %s was reversed: %s was taken back from account %s on %s", r.EventID, amount, e.Stream, day(e)), nil
}

func amountOf(ctx context.Context, cur Currencies, account string, minor int64) (string, error) {
	currency, err := cur.Currency(ctx, account)
	if err != nil {
		return "", err
	}
	return FormatAmount(minor, currency)
}

func decode(e events.Event, v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return events.Wrap(events.CodeInvalidArgument, err, "notify: event "+e.ID+" has undecodable data")
	}
	return nil
}

// day is the business date of e, in UTC.
func day(e events.Event) string { return e.OccurredAt.UTC().Format(time.DateOnly) }
