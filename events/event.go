package events

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// EventType names a fact, in the past tense.
type EventType string

// The events an account records.
const (
	AccountOpened       EventType = "AccountOpened"
	FundsDeposited      EventType = "FundsDeposited"
	FundsWithdrawn      EventType = "FundsWithdrawn"
	TransactionReversed EventType = "TransactionReversed"
	AccountClosed       EventType = "AccountClosed"
)

// Known reports whether t is one of the event types this package folds.
func (t EventType) Known() bool {
	switch t {
	case AccountOpened, FundsDeposited, FundsWithdrawn, TransactionReversed, AccountClosed:
		return true
	}
	return false
}

// SchemaVersion is the version of the event data schemas this package writes.
const SchemaVersion = 1

// MaxEventSize is the largest encoded event a store accepts: 256 KiB, the
// Step Functions and EventBridge payload limit.
const MaxEventSize = 256 * 1024

// Event is an immutable fact about one account, in its envelope.
type Event struct {
	// ID is deterministic: "<account>:<version>" (see EventID).
	ID            string    `json:"id"`
	Account       string    `json:"account"`
	Version       int64     `json:"version"` // 1, 2, 3… per account, with no gaps
	Type          EventType `json:"type"`
	SchemaVersion int       `json:"schemaVersion"`
	// OccurredAt is the business time the event is for.
	OccurredAt time.Time `json:"occurredAt"`
	// RecordedAt is when the store stored it. The store sets it on Append.
	RecordedAt    time.Time       `json:"recordedAt,omitzero"`
	CommandID     string          `json:"commandId"`
	CorrelationID string          `json:"correlationId,omitempty"`
	Data          json.RawMessage `json:"data"`
}

// Opened is the data of AccountOpened.
type Opened struct {
	Currency string `json:"currency"`
}

// Transaction is the data of FundsDeposited and FundsWithdrawn.
type Transaction struct {
	Amount    int64  `json:"amount"`
	Reference string `json:"reference,omitempty"`
}

// Reversal is the data of TransactionReversed. It undoes the deposit or
// withdrawal named by EventID: Delta is the change it makes to the balance.
type Reversal struct {
	EventID  string    `json:"eventId"`
	Original EventType `json:"original"`
	Delta    int64     `json:"delta"`
}

// Closed is the data of AccountClosed.
type Closed struct{}

// EventID returns the deterministic id of an account's event at version.
// Account ids never hold ':', so the id parses back unambiguously.
func EventID(account string, version int64) string {
	return account + ":" + strconv.FormatInt(version, 10)
}

// ParseEventID splits an id made by EventID into its account and version.
func ParseEventID(id string) (account string, version int64, err error) {
	i := strings.LastIndexByte(id, ':')
	if i < 0 {
		return "", 0, Errorf(CodeInvalidArgument, "event id %q has no ':' before its version", id)
	}
	account = id[:i]
	version, perr := strconv.ParseInt(id[i+1:], 10, 64)
	if perr != nil || version < 1 || !ValidID(account) {
		return "", 0, Errorf(CodeInvalidArgument, "event id %q is not <account>:<version>", id)
	}
	return account, version, nil
}
