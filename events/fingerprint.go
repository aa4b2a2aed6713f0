package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Fingerprint identifies the request a command id was first used for, so
// that a retry (the same request again) can be told from a reuse of the id
// for a different request, which is an IdempotencyKeyReused error. Stores
// keep it beside the command id; "" means none (a command recorded before
// fingerprints existed, or a caller that does not check).
type Fingerprint string

// MaxFingerprintLength bounds a Fingerprint a store accepts.
const MaxFingerprintLength = 128

// Fingerprinter is implemented by a command that defines its own
// fingerprint. A command that does not gets CommandFingerprint's.
type Fingerprinter interface {
	Fingerprint() Fingerprint
}

// CommandFingerprint returns the fingerprint of a command, given its JSON
// as the client sent it: the command's own, if it is a Fingerprinter, and
// otherwise the hex SHA-256 of that JSON with its members sorted by name,
// recursively, and without "correlationId", which names the request that
// carried the command and differs between retries.
func CommandFingerprint(c Command, data []byte) (Fingerprint, error) {
	if f, ok := c.(Fingerprinter); ok {
		return f.Fingerprint(), nil
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers keep their digits
	if err := dec.Decode(&v); err != nil {
		return "", Wrap(CodeInvalidCommand, err, "the command is not a JSON object")
	}
	delete(v, "correlationId")
	b, err := json.Marshal(v) // encoding/json writes map keys in sorted order
	if err != nil {
		return "", Wrap(CodeInternal, err, "the command does not encode")
	}
	sum := sha256.Sum256(b)
	return Fingerprint(hex.EncodeToString(sum[:])), nil
}

// SameRequest checks a command id that stream already recorded, with the
// fingerprint stored, against the fingerprint of the request now using it.
// It returns nil when they match or either is "" (nothing to compare: the
// record predates fingerprints, or the caller does not check), and
// otherwise IdempotencyKeyReused. Stores call it in the transaction that
// finds the command id taken, and Validate when it finds the command
// applied.
func SameRequest(stream, commandID string, stored, sent Fingerprint) error {
	if stored == "" || sent == "" || stored == sent {
		return nil
	}
	return KeyReused(stream, commandID)
}

// KeyReused is the IdempotencyKeyReused error of commandID on where, a
// stream id or a domain's name for it ("account acc-1").
func KeyReused(where, commandID string) *Error {
	return Errorf(CodeIdempotencyKeyReused,
		"command id (Idempotency-Key) %s was already used on %s for a different request; "+
			"send the same request again to get its answer, or a new key for a new request", commandID, where)
}
