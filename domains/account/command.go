package account

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// The commands an account accepts.
const (
	OpenAccount        = "OpenAccount"
	Deposit            = "Deposit"
	Withdraw           = "Withdraw"
	CloseAccount       = "CloseAccount"
	ReverseTransaction = "ReverseTransaction"
)

// MaxReferenceLength bounds a command's reference, in bytes.
const MaxReferenceLength = 256

// Command is an intent to change one account. It is the input of the
// account state machine.
type Command struct {
	Type      string `json:"type"`
	AccountID string `json:"accountId"`
	// CommandID is the client-supplied idempotency key. A command id that
	// was already applied to the account is not applied again.
	CommandID string `json:"commandId"`
	// CorrelationID ties the command to a wider request, if any.
	CorrelationID string `json:"correlationId,omitempty"`
	// Amount is in minor units (cents for EUR). Deposit and Withdraw only.
	Amount int64 `json:"amount,omitempty"`
	// Currency is the ISO 4217 code. Required for OpenAccount; optional for
	// Deposit and Withdraw, where it must match the account's.
	Currency string `json:"currency,omitempty"`
	// OccurredAt is the business time the command is for. Zero means now.
	OccurredAt time.Time `json:"occurredAt,omitzero"`
	// Reference is free text kept with a deposit or withdrawal.
	Reference string `json:"reference,omitempty"`
	// EventID names the deposit or withdrawal that ReverseTransaction undoes.
	EventID string `json:"eventId,omitempty"`
}

// Decode reads a command strictly and checks its shape.
func (Domain) Decode(data []byte) (Command, error) {
	var c Command
	if err := events.DecodeStrict(data, &c, "command"); err != nil {
		return Command{}, err
	}
	return c, c.Validate()
}

// Meta implements events.Command. A reversal refers to the event it undoes,
// when that event is the account's own.
func (c Command) Meta() events.CommandMeta {
	m := events.CommandMeta{Type: c.Type, Stream: c.AccountID, ID: c.CommandID, CorrelationID: c.CorrelationID, OccurredAt: c.OccurredAt}
	if account, version, err := events.ParseEventID(c.EventID); c.Type == ReverseTransaction && err == nil && account == c.AccountID {
		m.Refs = []int64{version}
	}
	return m
}

// Validate checks the command's shape, independent of any state. It returns
// an InvalidCommand *events.Error naming the first problem.
func (c Command) Validate() error {
	for _, id := range []struct{ what, id string }{{"accountId", c.AccountID}, {"commandId", c.CommandID}} {
		if err := events.CheckID(events.CodeInvalidCommand, id.what, id.id); err != nil {
			return err
		}
	}
	if c.CorrelationID != "" {
		if err := events.CheckID(events.CodeInvalidCommand, "correlationId", c.CorrelationID); err != nil {
			return err
		}
	}
	if len(c.Reference) > MaxReferenceLength {
		return events.Errorf(events.CodeInvalidCommand, "reference is %d bytes; the limit is %d", len(c.Reference), MaxReferenceLength)
	}
	return c.validateFields()
}

func (c Command) validateFields() error {
	switch c.Type {
	case OpenAccount:
		if !ValidCurrency(c.Currency) {
			return events.Errorf(events.CodeInvalidCommand, "currency %q is not an ISO 4217 code", c.Currency)
		}
		return c.forbid(c.Amount != 0, "amount", c.EventID != "", "eventId")
	case Deposit, Withdraw:
		if c.Amount <= 0 {
			return events.Errorf(events.CodeInvalidCommand, "amount must be a positive integer in minor units, got %d", c.Amount)
		}
		if c.Currency != "" && !ValidCurrency(c.Currency) {
			return events.Errorf(events.CodeInvalidCommand, "currency %q is not an ISO 4217 code", c.Currency)
		}
		return c.forbid(false, "", c.EventID != "", "eventId")
	case CloseAccount:
		return c.forbid(c.Amount != 0, "amount", c.EventID != "", "eventId")
	case ReverseTransaction:
		if _, _, err := events.ParseEventID(c.EventID); err != nil {
			return events.Errorf(events.CodeInvalidCommand, "eventId %q does not name an event: %s", c.EventID, err.(*events.Error).Message)
		}
		return c.forbid(c.Amount != 0, "amount", false, "")
	}
	return events.Errorf(events.CodeInvalidCommand, "unknown command type %q; want OpenAccount, Deposit, Withdraw, CloseAccount or ReverseTransaction", c.Type)
}

// forbid rejects fields that the command type does not take.
func (c Command) forbid(has1 bool, name1 string, has2 bool, name2 string) error {
	if has1 {
		return events.Errorf(events.CodeInvalidCommand, "%s does not take %s", c.Type, name1)
	}
	if has2 {
		return events.Errorf(events.CodeInvalidCommand, "%s does not take %s", c.Type, name2)
	}
	return nil
}

// canonicalCommand is the form of a command that its fingerprint hashes:
// the type and every field the client chose, in a fixed order. It must
// never change, or retries of commands already recorded would no longer
// match.
type canonicalCommand struct {
	Type       string `json:"type"`
	AccountID  string `json:"accountId"`
	CommandID  string `json:"commandId"`
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	OccurredAt string `json:"occurredAt"`
	Reference  string `json:"reference"`
	EventID    string `json:"eventId"`
}

// Fingerprint implements events.Fingerprinter: the hex SHA-256 of the
// command's canonical form, its type, account id, command id, amount,
// currency, occurredAt (as a UTC RFC 3339 time, so 11:00+01:00 and 10:00Z
// are the same; "" when the client gave none), reference and event id,
// encoded as one JSON object with those names in that order.
//
// It leaves out the correlation id, which names the request that carried
// the command and differs between retries, and the business time the
// server defaults to when occurredAt is absent, which differs too. A field
// given with its default value counts as given: a deposit with currency
// "EUR" is not the same request as one without a currency.
func (c Command) Fingerprint() events.Fingerprint {
	canon := canonicalCommand{Type: c.Type, AccountID: c.AccountID, CommandID: c.CommandID, Amount: c.Amount,
		Currency: c.Currency, Reference: c.Reference, EventID: c.EventID}
	if !c.OccurredAt.IsZero() {
		canon.OccurredAt = c.OccurredAt.UTC().Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal(canon) // strings and numbers always encode
	sum := sha256.Sum256(b)
	return events.Fingerprint(hex.EncodeToString(sum[:]))
}
