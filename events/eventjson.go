package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// UnmarshalJSON reads the envelope. The one member that is not an envelope
// field is the stream id, and its name becomes StreamKey; without one, the
// stream is read from the id. Every task reads the events it is handed
// through here, so it walks the object once and allocates only what it
// keeps.
func (e *Event) UnmarshalJSON(b []byte) error {
	*e = Event{}
	err := readObject(b, func(name, value []byte) error {
		if err := e.member(name, value); err != nil {
			return Wrap(CodeInvalidArgument, err, "event member "+strconv.Quote(string(name)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if e.StreamKey == "" {
		e.Stream, _, _ = strings.Cut(e.ID, ":")
	}
	return nil
}

// member decodes the value of one member of an event's JSON. The name is
// compared as bytes, so only the stream's member name is allocated.
func (e *Event) member(name, v []byte) error {
	var err error
	switch string(name) {
	case "id":
		e.ID, err = stringValue(v)
	case "version":
		e.Version, err = intValue(v)
	case "type":
		e.Type, err = stringValue(v)
	case "schemaVersion":
		var n int64
		n, err = intValue(v)
		e.SchemaVersion = int(n)
	case "occurredAt":
		err = timeValue(v, &e.OccurredAt)
	case "recordedAt":
		err = timeValue(v, &e.RecordedAt)
	case "commandId":
		e.CommandID, err = stringValue(v)
	case "correlationId":
		e.CorrelationID, err = stringValue(v)
	case "data":
		// The caller has checked the whole input (see readObject), and
		// AppendJSON checks Data again before writing it, so it is not
		// scanned a third time here.
		e.Data = bytes.Clone(v)
	default:
		if e.StreamKey != "" {
			return Errorf(CodeInvalidArgument, "is a second stream member beside %q", e.StreamKey)
		}
		e.StreamKey = string(name)
		e.Stream, err = stringValue(v)
	}
	return err
}

// AppendEvents appends evs to b as a JSON array, each as AppendJSON writes
// it: what encoding/json writes for a []Event, null for a nil one.
func AppendEvents(b []byte, evs []Event) ([]byte, error) {
	if evs == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, e := range evs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = e.AppendJSON(b); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// stringValue reads a JSON string, or null as "". A string without escapes
// costs one allocation; one with escapes is left to encoding/json.
func stringValue(v []byte) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", Errorf(CodeInvalidArgument, "must be a string")
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", Errorf(CodeInvalidArgument, "must be a string")
	}
	return s, nil
}

// intValue reads a JSON integer, or null as 0.
func intValue(v []byte) (int64, error) {
	if string(v) == "null" {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, Errorf(CodeInvalidArgument, "must be an integer")
	}
	return n, nil
}

// timeValue reads an RFC 3339 time in a JSON string; null leaves t zero.
func timeValue(v []byte, t *time.Time) error {
	if string(v) == "null" {
		return nil
	}
	return t.UnmarshalJSON(v)
}

// readObject calls member with the name and the raw value of each member
// of the JSON object b, in order; null is an object without members. It
// checks the structure it walks, and member decodes the values; b comes
// from a JSON decoder, which checks a value before it calls an
// UnmarshalJSON method. A name without escapes is a slice of b.
func readObject(b []byte, member func(name, value []byte) error) error {
	r := reader{b: b}
	if r.null() {
		return nil
	}
	if !r.open('{') {
		return Errorf(CodeInvalidArgument, "must be a JSON object")
	}
	for r.more('}') {
		name, value, err := r.member()
		if err != nil {
			return err
		}
		if err := member(name, value); err != nil {
			return err
		}
	}
	return r.err
}

// reader walks the members of one JSON object, handing back each name and
// the raw bytes of its value.
type reader struct {
	b   []byte
	i   int
	n   int // members read
	err error
}

func (r *reader) space() {
	for r.i < len(r.b) && (r.b[r.i] == ' ' || r.b[r.i] == '\t' || r.b[r.i] == '\n' || r.b[r.i] == '\r') {
		r.i++
	}
}

// null reports whether the input is the literal null.
func (r *reader) null() bool { return string(bytes.TrimSpace(r.b)) == "null" }

// open reads the opening c.
func (r *reader) open(c byte) bool {
	r.space()
	if r.i >= len(r.b) || r.b[r.i] != c {
		return false
	}
	r.i++
	return true
}

// more reports whether another member follows, reading the comma before
// it, or the closing c and the end of the input after the last.
func (r *reader) more(c byte) bool {
	r.space()
	if r.err != nil || r.i >= len(r.b) {
		r.fail("the JSON ends early")
		return false
	}
	switch next := r.b[r.i]; {
	case next == c:
		r.i++
		if r.space(); r.i != len(r.b) {
			r.fail("the JSON has data after its end")
		}
		return false
	case r.n == 0:
		r.n++
		return true
	case next == ',':
		r.i++
		r.n++
		return true
	}
	r.fail("members must be separated by commas")
	return false
}

// member reads one "name": value pair. A name with escapes is unescaped
// into a new slice; one without is a slice of the input.
func (r *reader) member() (name, value []byte, err error) {
	r.space()
	raw, ok := r.stringSpan()
	if !ok {
		return nil, nil, Errorf(CodeInvalidArgument, "member names must be strings")
	}
	if name = raw[1 : len(raw)-1]; bytes.IndexByte(name, '\\') >= 0 {
		s, err := stringValue(raw)
		if err != nil {
			return nil, nil, err
		}
		name = []byte(s)
	}
	if r.space(); r.i >= len(r.b) || r.b[r.i] != ':' {
		return nil, nil, Errorf(CodeInvalidArgument, "member %q has no value", name)
	}
	r.i++
	if value, ok = r.value(); !ok {
		return nil, nil, Errorf(CodeInvalidArgument, "member %q has no complete value", name)
	}
	return name, value, nil
}

// value reads one value and returns its bytes.
func (r *reader) value() ([]byte, bool) {
	r.space()
	start := r.i
	if !r.skipValue() || r.i == start {
		return nil, false
	}
	return r.b[start:r.i], true
}

// stringSpan reads a string, quotes included.
func (r *reader) stringSpan() ([]byte, bool) {
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return nil, false
	}
	start := r.i
	for r.i++; r.i < len(r.b); r.i++ {
		switch r.b[r.i] {
		case '\\':
			r.i++
		case '"':
			r.i++
			return r.b[start:r.i], true
		}
	}
	return nil, false
}

// skipValue moves past one value: a string, a nested object or array (by
// depth, strings inside skipped whole), or a scalar up to its delimiter.
func (r *reader) skipValue() bool {
	depth := 0
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case '"':
			if _, ok := r.stringSpan(); !ok {
				return false
			}
			if depth == 0 {
				return true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return true
			}
			if depth--; depth == 0 {
				r.i++
				return true
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return true
			}
		}
		r.i++
	}
	return depth == 0
}

func (r *reader) fail(msg string) {
	if r.err == nil {
		r.err = Errorf(CodeInvalidArgument, "%s", msg)
	}
}
