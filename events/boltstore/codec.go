package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// formatV1 is the first byte of every stored event.
const formatV1 byte = 1

// encodeEvent returns the stored form of e. The account and version live in
// the key, and the id is derived from them, so they are not repeated:
//
//	format byte, recordedAt, occurredAt, type, schemaVersion, commandID,
//	correlationID, data (the rest)
//
// Times use time.Time's binary form and strings a uvarint length prefix.
func encodeEvent(e events.Event) ([]byte, error) {
	b := make([]byte, 0, 64+len(e.Type)+len(e.CommandID)+len(e.CorrelationID)+len(e.Data))
	b = append(b, formatV1)
	b, err := appendTime(b, e.RecordedAt)
	if err != nil {
		return nil, err
	}
	if b, err = appendTime(b, e.OccurredAt); err != nil {
		return nil, err
	}
	b = appendString(b, string(e.Type))
	b = binary.AppendVarint(b, int64(e.SchemaVersion))
	b = appendString(b, e.CommandID)
	b = appendString(b, e.CorrelationID)
	return append(b, e.Data...), nil
}

func appendTime(b []byte, t time.Time) ([]byte, error) {
	tb, err := t.MarshalBinary()
	if err != nil {
		return nil, events.Wrap(events.CodeInvalidArgument, err, "time "+t.String()+" cannot be stored")
	}
	return append(binary.AppendUvarint(b, uint64(len(tb))), tb...), nil
}

func appendString[T string | []byte](b []byte, s T) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads the fields of a stored event in order. The first failure
// sticks, so callers check ok once at the end.
type decoder struct {
	b  []byte
	ok bool
}

func (d *decoder) bytes() []byte {
	n, k := binary.Uvarint(d.b)
	if !d.ok || k <= 0 || n > uint64(len(d.b)-k) {
		d.ok = false
		return nil
	}
	out := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return out
}

func (d *decoder) string() string { return string(d.bytes()) }

// number reads one varint with read, binary.Varint or binary.Uvarint.
func number[T int64 | uint64](d *decoder, read func([]byte) (T, int)) T {
	n, k := read(d.b)
	if !d.ok || k <= 0 {
		d.ok = false
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *decoder) uvarint() uint64 { return number(d, binary.Uvarint) }

// count reads a number of items that follow, each at least one byte long.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.ok = false
		return 0
	}
	return int(n)
}

// reuse returns the next string, or prev itself when the bytes are equal,
// so that the events of one command share one command id.
func (d *decoder) reuse(prev string) string {
	b := d.bytes()
	if string(b) == prev {
		return prev
	}
	return string(b)
}

// eventType returns the next string as an EventType, without allocating
// for the types this package knows.
func (d *decoder) eventType() events.EventType {
	b := d.bytes()
	for _, t := range knownTypes {
		if string(b) == string(t) {
			return t
		}
	}
	return events.EventType(b)
}

var knownTypes = [...]events.EventType{events.FundsDeposited, events.FundsWithdrawn, events.AccountOpened, events.TransactionReversed, events.AccountClosed}

func (d *decoder) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(d.bytes()); err != nil {
		d.ok = false
	}
	return t
}

func (d *decoder) varint() int64 { return number(d, binary.Varint) }

// decodeEvent rebuilds the event of account at version from its stored
// form. It copies everything it keeps: bbolt's memory is valid only inside
// the transaction. prev is the event before it, or the zero Event: strings
// equal to prev's are shared rather than copied again.
func decodeEvent(account string, version int64, v []byte, prev *events.Event) (events.Event, error) {
	if len(v) == 0 || v[0] != formatV1 {
		return events.Event{}, corrupt(account, version)
	}
	d := decoder{b: v[1:], ok: true}
	e := events.Event{ID: events.EventID(account, version), Account: account, Version: version}
	e.RecordedAt = d.time()
	e.OccurredAt = d.time()
	e.Type = d.eventType()
	e.SchemaVersion = int(d.varint())
	e.CommandID = d.reuse(prev.CommandID)
	e.CorrelationID = d.reuse(prev.CorrelationID)
	if !d.ok {
		return events.Event{}, corrupt(account, version)
	}
	e.Data = json.RawMessage(append([]byte(nil), d.b...))
	return e, nil
}

// recordedAt reads only the RecordedAt of a stored event.
func recordedAt(account string, version int64, v []byte) (time.Time, error) {
	if len(v) == 0 || v[0] != formatV1 {
		return time.Time{}, corrupt(account, version)
	}
	d := decoder{b: v[1:], ok: true}
	t := d.time()
	if !d.ok {
		return time.Time{}, corrupt(account, version)
	}
	return t, nil
}

func corrupt(account string, version int64) error {
	return events.Errorf(events.CodeInternal, "stored event %s cannot be decoded", events.EventID(account, version))
}

// encodeCommand returns the value of a command record: the first and last
// versions the command wrote, 8 bytes big-endian each, then the
// fingerprint of its request, which a record written before fingerprints
// existed lacks.
func encodeCommand(first, last int64, fp events.Fingerprint) []byte {
	b := make([]byte, 0, 16+len(fp))
	b = binary.BigEndian.AppendUint64(b, uint64(first))
	b = binary.BigEndian.AppendUint64(b, uint64(last))
	return append(b, fp...)
}

// decodeCommand reads a value made by encodeCommand.
func decodeCommand(v []byte) (first, last int64, fp events.Fingerprint, ok bool) {
	if len(v) < 16 || len(v) > 16+events.MaxFingerprintLength {
		return 0, 0, "", false
	}
	first, last = keyInt(v[:8]), keyInt(v[8:16])
	return first, last, events.Fingerprint(v[16:]), first >= 1 && last >= first
}

// key returns the 8-byte big-endian key of a version or sequence.
func key(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// keyInt reads a key made by key, or -1 when k is not one.
func keyInt(k []byte) int64 {
	if len(k) != 8 {
		return -1
	}
	return int64(binary.BigEndian.Uint64(k))
}
