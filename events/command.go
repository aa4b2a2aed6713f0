package events

import (
	"time"
)

// CommandType names an intent.
type CommandType string

// The commands an account accepts.
const (
	OpenAccount        CommandType = "OpenAccount"
	Deposit            CommandType = "Deposit"
	Withdraw           CommandType = "Withdraw"
	CloseAccount       CommandType = "CloseAccount"
	ReverseTransaction CommandType = "ReverseTransaction"
)

// Command is an intent to change one account. It is the input of the
// account state machine.
type Command struct {
	Type      CommandType `json:"type"`
	AccountID string      `json:"accountId"`
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

// Limits on command fields.
const (
	MaxIDLength        = 64
	MaxReferenceLength = 256
)

// ValidID reports whether s can name an account or a command: 1 to 64
// letters, digits, '_', '.' or '-', other than "." and "..", which a URL
// path cannot hold as a segment (they mean this and the parent folder).
// Event ids are "<account>:<version>", so the rule holds for them too.
func ValidID(s string) bool {
	if len(s) < 1 || len(s) > MaxIDLength || s == "." || s == ".." {
		return false
	}
	for i := range len(s) {
		if !idByte(s[i]) {
			return false
		}
	}
	return true
}

// CheckID returns nil when ValidID(id), and otherwise an *Error with code
// whose message names what the id is for, such as "account id", and the
// rule it breaks.
func CheckID(code Code, what, id string) error {
	if ValidID(id) {
		return nil
	}
	return Errorf(code, "%s %q must be 1 to %d letters, digits, '_', '.' or '-', other than \".\" and \"..\"", what, id, MaxIDLength)
}

// idByte reports whether c may appear in an id.
func idByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '_' || c == '.' || c == '-'
}

// Validate checks the command's shape, independent of any state. It returns
// an InvalidCommand *Error naming the first problem.
func (c Command) Validate() error {
	if err := CheckID(CodeInvalidCommand, "accountId", c.AccountID); err != nil {
		return err
	}
	if err := CheckID(CodeInvalidCommand, "commandId", c.CommandID); err != nil {
		return err
	}
	if c.CorrelationID != "" {
		if err := CheckID(CodeInvalidCommand, "correlationId", c.CorrelationID); err != nil {
			return err
		}
	}
	if len(c.Reference) > MaxReferenceLength {
		return Errorf(CodeInvalidCommand, "reference is %d bytes; the limit is %d", len(c.Reference), MaxReferenceLength)
	}
	return c.validateFields()
}

func (c Command) validateFields() error {
	switch c.Type {
	case OpenAccount:
		if !ValidCurrency(c.Currency) {
			return Errorf(CodeInvalidCommand, "currency %q is not an ISO 4217 code", c.Currency)
		}
		return c.forbid(c.Amount != 0, "amount", c.EventID != "", "eventId")
	case Deposit, Withdraw:
		if c.Amount <= 0 {
			return Errorf(CodeInvalidCommand, "amount must be a positive integer in minor units, got %d", c.Amount)
		}
		if c.Currency != "" && !ValidCurrency(c.Currency) {
			return Errorf(CodeInvalidCommand, "currency %q is not an ISO 4217 code", c.Currency)
		}
		return c.forbid(false, "", c.EventID != "", "eventId")
	case CloseAccount:
		return c.forbid(c.Amount != 0, "amount", c.EventID != "", "eventId")
	case ReverseTransaction:
		if _, _, err := ParseEventID(c.EventID); err != nil {
			return Errorf(CodeInvalidCommand, "eventId %q does not name an event: %s", c.EventID, err.(*Error).Message)
		}
		return c.forbid(c.Amount != 0, "amount", false, "")
	}
	return Errorf(CodeInvalidCommand, "unknown command type %q; want OpenAccount, Deposit, Withdraw, CloseAccount or ReverseTransaction", c.Type)
}

// forbid rejects fields that the command type does not take.
func (c Command) forbid(has1 bool, name1 string, has2 bool, name2 string) error {
	if has1 {
		return Errorf(CodeInvalidCommand, "%s does not take %s", c.Type, name1)
	}
	if has2 {
		return Errorf(CodeInvalidCommand, "%s does not take %s", c.Type, name2)
	}
	return nil
}
