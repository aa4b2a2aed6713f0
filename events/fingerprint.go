package events

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Fingerprint identifies the request a command id was first used for, so
// that a retry (the same request again) can be told from a reuse of the
// id for a different request, which is an IdempotencyKeyReused error.
// Stores keep it beside the command id; "" means none (a command recorded
// before fingerprints existed, or a caller that does not check).
type Fingerprint string

// MaxFingerprintLength bounds a Fingerprint a store accepts.
const MaxFingerprintLength = 128

// canonicalCommand is the form of a command that its fingerprint hashes:
// the type and every field the client chose, in a fixed order. It must
// never change, or retries of commands already recorded would no longer
// match.
type canonicalCommand struct {
	Type       CommandType `json:"type"`
	AccountID  string      `json:"accountId"`
	CommandID  string      `json:"commandId"`
	Amount     int64       `json:"amount"`
	Currency   string      `json:"currency"`
	OccurredAt string      `json:"occurredAt"`
	Reference  string      `json:"reference"`
	EventID    string      `json:"eventId"`
}

// Fingerprint returns the hex SHA-256 of the command's canonical form: its
// type, account id, command id, amount, currency, occurredAt (as a UTC
// RFC 3339 time, so 11:00+01:00 and 10:00Z are the same; "" when the
// client gave none), reference and event id, encoded as one JSON object
// with those names in that order.
//
// It leaves out the correlation id, which names the request that carried
// the command and differs between retries, and the business time the
// server defaults to when occurredAt is absent, which differs too. A field
// given with its default value counts as given: a deposit with currency
// "EUR" is not the same request as one without a currency.
func (c Command) Fingerprint() Fingerprint {
	canon := canonicalCommand{Type: c.Type, AccountID: c.AccountID, CommandID: c.CommandID, Amount: c.Amount,
		Currency: c.Currency, Reference: c.Reference, EventID: c.EventID}
	if !c.OccurredAt.IsZero() {
		canon.OccurredAt = c.OccurredAt.UTC().Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal(canon) // strings and numbers always encode
	sum := sha256.Sum256(b)
	return Fingerprint(hex.EncodeToString(sum[:]))
}

// SameRequest checks a command id that account already recorded, with the
// fingerprint stored, against the fingerprint of the request now using
// it. It returns nil when they match or either is "" (nothing to compare:
// the record predates fingerprints, or the caller does not check), and
// otherwise IdempotencyKeyReused. Stores call it in the transaction that
// finds the command id taken, and Validate when it finds the command
// applied.
func SameRequest(account, commandID string, stored, sent Fingerprint) error {
	if stored == "" || sent == "" || stored == sent {
		return nil
	}
	return Errorf(CodeIdempotencyKeyReused,
		"command id (Idempotency-Key) %s was already used on account %s for a different request; "+
			"send the same request again to get its answer, or a new key for a new request", commandID, account)
}
