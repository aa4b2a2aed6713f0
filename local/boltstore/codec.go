package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// formatV1 is the first byte of every stored event.
const formatV1 byte = 1

// encodeEvent returns the stored form of e. The stream and version live in
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
	b = appendString(b, e.Type)
	b = binary.AppendVarint(b, int64(e.SchemaVersion))
	b = appendString(b, e.CommandID)
	b = appendString(b, e.CorrelationID)
	return append(b, e.Data...), nil
}

// appendTime appends t's binary form with its length before it. The form
// is at most 16 bytes, so the length's uvarint is one byte, written once
// the form is in place rather than from a copy.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	at := len(b)
	b, err := t.AppendBinary(append(b, 0))
	if err != nil {
		return nil, events.Wrap(events.CodeInvalidArgument, err, "time "+t.String()+" cannot be stored")
	}
	b[at] = byte(len(b) - at - 1)
	return b, nil
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

// names interns the event types of one read: a stream has few types, so
// its events share a handful of strings rather than allocate one each.
type names []string

// maxNames bounds the types one read interns.
const maxNames = 16

// intern returns the next string, as one held in n when there is one.
func (d *decoder) intern(n *names) string {
	b := d.bytes()
	for _, s := range *n {
		if s == string(b) {
			return s
		}
	}
	s := string(b)
	if len(*n) < maxNames {
		*n = append(*n, s)
	}
	return s
}

func (d *decoder) time() time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(d.bytes()); err != nil {
		d.ok = false
	}
	return t
}

func (d *decoder) varint() int64 { return number(d, binary.Varint) }

// decodeEvent rebuilds the event of stream at version from its stored
// form. It copies everything it keeps: bbolt's memory is valid only inside
// the transaction. prev is the event before it, or the zero Event: strings
// equal to prev's are shared rather than copied again, and types are
// interned in types. StreamKey is left empty: the store does not keep it.
func decodeEvent(stream string, version int64, v []byte, prev *events.Event, types *names) (events.Event, error) {
	if len(v) == 0 || v[0] != formatV1 {
		return events.Event{}, corrupt(stream, version)
	}
	d := decoder{b: v[1:], ok: true}
	e := events.Event{ID: events.EventID(stream, version), Stream: stream, Version: version}
	e.RecordedAt = d.time()
	e.OccurredAt = d.time()
	e.Type = d.intern(types)
	e.SchemaVersion = int(d.varint())
	e.CommandID = d.reuse(prev.CommandID)
	e.CorrelationID = d.reuse(prev.CorrelationID)
	if !d.ok {
		return events.Event{}, corrupt(stream, version)
	}
	e.Data = json.RawMessage(append([]byte(nil), d.b...))
	return e, nil
}

// recordedAt reads only the RecordedAt of a stored event.
func recordedAt(stream string, version int64, v []byte) (time.Time, error) {
	if len(v) == 0 || v[0] != formatV1 {
		return time.Time{}, corrupt(stream, version)
	}
	d := decoder{b: v[1:], ok: true}
	t := d.time()
	if !d.ok {
		return time.Time{}, corrupt(stream, version)
	}
	return t, nil
}

func corrupt(stream string, version int64) error {
	return events.Errorf(events.CodeInternal, "stored event %s cannot be decoded", events.EventID(stream, version))
}

// snapshotV1 is the first byte of a stored snapshot. A value that starts
// with '{' instead is one written before stores knew no domain: the JSON
// of the state, which carried its own version and lastOccurredAt members.
const snapshotV1 byte = 1

// encodeSnapshot returns the stored form of s, which the snapshots and
// state buckets hold and log records carry:
//
//	format byte, uvarint version, lastOccurredAt, state (the rest)
//
// The state is the caller's JSON, byte for byte. It fails with
// InvalidArgument for a time that cannot be stored.
func encodeSnapshot(s events.Snapshot) ([]byte, error) {
	b := make([]byte, 0, 32+len(s.State))
	b = binary.AppendUvarint(append(b, snapshotV1), uint64(s.Version))
	b, err := appendTime(b, s.LastOccurredAt)
	if err != nil {
		return nil, err
	}
	return append(b, s.State...), nil
}

// decodeSnapshot rebuilds a snapshot from its stored form, copying the
// state out of bbolt's memory. It reports false for a value that is
// neither form.
func decodeSnapshot(v []byte) (events.Snapshot, bool) {
	if len(v) > 0 && v[0] == '{' {
		return decodeJSONSnapshot(v)
	}
	if len(v) == 0 || v[0] != snapshotV1 {
		return events.Snapshot{}, false
	}
	d := decoder{b: v[1:], ok: true}
	s := events.Snapshot{Version: int64(d.uvarint())}
	s.LastOccurredAt = d.time()
	if !d.ok || s.Version < 1 || len(d.b) == 0 {
		return events.Snapshot{}, false
	}
	s.State = append(json.RawMessage(nil), d.b...)
	return s, true
}

// decodeJSONSnapshot reads a snapshot stored as the JSON of the state,
// as stores wrote them before they knew no domain.
func decodeJSONSnapshot(v []byte) (events.Snapshot, bool) {
	var head struct {
		Version        int64     `json:"version"`
		LastOccurredAt time.Time `json:"lastOccurredAt"`
	}
	if err := json.Unmarshal(v, &head); err != nil || head.Version < 1 {
		return events.Snapshot{}, false
	}
	return events.Snapshot{Version: head.Version, State: append(json.RawMessage(nil), v...), LastOccurredAt: head.LastOccurredAt}, true
}

// snapshotVersion reads only the version of a stored snapshot.
func snapshotVersion(v []byte) (int64, bool) {
	if len(v) > 0 && v[0] == snapshotV1 {
		n, k := binary.Uvarint(v[1:])
		return int64(n), k > 0 && int64(n) >= 1
	}
	s, ok := decodeSnapshot(v)
	return s.Version, ok
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
