package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// MaxEventSize is the largest encoded event a store accepts: 256 KiB, the
// Step Functions and EventBridge payload limit.
const MaxEventSize = 256 * 1024

// Event is an immutable fact about one stream, in its envelope. Its Data is
// the domain's JSON, which the core does not read.
type Event struct {
	// ID is deterministic: "<stream>:<version>" (see EventID).
	ID      string
	Stream  string
	Version int64 // 1, 2, 3… per stream, with no gaps
	// Type names the fact, in the past tense.
	Type          string
	SchemaVersion int
	// OccurredAt is the business time the event is for.
	OccurredAt time.Time
	// RecordedAt is when the store stored it. The store sets it on Append.
	RecordedAt    time.Time
	CommandID     string
	CorrelationID string
	Data          json.RawMessage
	// StreamKey is the JSON member that holds Stream ("stream" when empty):
	// the domain's Info().StreamKey. Stores do not keep it; the tasks set it
	// on every event they read.
	StreamKey string
}

// MarshalJSON writes the envelope with the stream id under StreamKey, second
// after the id, as AppendJSON does.
func (e Event) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(make([]byte, 0, envelopeSize+len(e.ID)+len(e.key())+len(e.Stream)+len(e.Type)+len(e.CommandID)+len(e.CorrelationID)+len(e.Data)))
}

// envelopeSize is what an envelope's JSON needs beside its strings and
// data: the member names, two times and two numbers, so that MarshalJSON
// allocates once.
const envelopeSize = 192

// AppendJSON appends the envelope's JSON to b. Data must be valid JSON;
// times must have years 0 to 9999.
func (e Event) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = AppendString(b, e.ID)
	b = append(b, ',')
	b = AppendString(b, e.key())
	b = append(b, ':')
	b = AppendString(b, e.Stream)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, e.Version, 10)
	b = append(b, `,"type":`...)
	b = AppendString(b, e.Type)
	b = append(b, `,"schemaVersion":`...)
	b = strconv.AppendInt(b, int64(e.SchemaVersion), 10)
	b, err := appendTime(append(b, `,"occurredAt":`...), e.OccurredAt)
	if err != nil {
		return nil, err
	}
	if !e.RecordedAt.IsZero() {
		if b, err = appendTime(append(b, `,"recordedAt":`...), e.RecordedAt); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"commandId":`...)
	b = AppendString(b, e.CommandID)
	if e.CorrelationID != "" {
		b = append(b, `,"correlationId":`...)
		b = AppendString(b, e.CorrelationID)
	}
	return appendData(append(b, `,"data":`...), e)
}

func appendTime(b []byte, t time.Time) ([]byte, error) {
	out, err := t.AppendText(append(b, '"'))
	if err != nil {
		return nil, Wrap(CodeInvalidArgument, err, "time "+t.String()+" cannot be written")
	}
	return append(out, '"'), nil
}

// appendData writes the data compacted, as encoding/json writes a
// json.RawMessage; compacting checks it in the same pass.
func appendData(b []byte, e Event) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, e.Data); err != nil {
		return nil, Errorf(CodeInvalidArgument, "event %s data is not valid JSON", e.ID)
	}
	return append(buf.Bytes(), '}'), nil
}

func (e Event) key() string {
	if e.StreamKey == "" {
		return "stream"
	}
	return e.StreamKey
}

// EventID returns the deterministic id of a stream's event at version.
// Stream ids never hold ':', so the id parses back unambiguously.
func EventID(stream string, version int64) string {
	return stream + ":" + strconv.FormatInt(version, 10)
}

// ParseEventID splits an id made by EventID into its stream and version.
func ParseEventID(id string) (stream string, version int64, err error) {
	i := strings.LastIndexByte(id, ':')
	if i < 0 {
		return "", 0, Errorf(CodeInvalidArgument, "event id %q has no ':' before its version", id)
	}
	stream = id[:i]
	version, perr := strconv.ParseInt(id[i+1:], 10, 64)
	if perr != nil || version < 1 || !ValidID(stream) {
		return "", 0, Errorf(CodeInvalidArgument, "event id %q is not <stream>:<version>", id)
	}
	return stream, version, nil
}

// MaxIDLength bounds stream, command and correlation ids.
const MaxIDLength = 64

// ValidID reports whether s can name a stream or a command: 1 to 64
// letters, digits, '_', '.' or '-', and not "." or "..", which a URL path
// cannot hold as a segment.
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
// whose message names what the id is for, such as "accountId", and the
// rule it breaks.
func CheckID(code Code, what, id string) error {
	if ValidID(id) {
		return nil
	}
	return Errorf(code, "%s %q must be 1 to %d letters, digits, '_', '.' or '-', other than \".\" and \"..\"", what, id, MaxIDLength)
}

func idByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '_' || c == '.' || c == '-'
}

func itoa(n int) string { return strconv.Itoa(n) }
