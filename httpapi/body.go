package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/stepfold/stepfold/events"
)

// bodyError is a request body that cannot be read as the route's JSON.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// member is one member of a request body, its value as JSON text.
type member struct {
	name  string
	value jsontext.Value
}

// readBody reads the request body: one JSON object of at most MaxBody
// bytes whose members are among allowed, each once, with valid UTF-8 and
// nothing after it. An empty body is accepted only when optional is set.
func readBody(w http.ResponseWriter, r *http.Request, allowed []string, optional bool) ([]member, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &bodyError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over the limit of %d bytes", MaxBody)}
	case err != nil:
		return nil, &bodyError{http.StatusBadRequest, "body cannot be read: " + err.Error()}
	case len(bytes.TrimSpace(b)) == 0 && optional:
		return nil, nil
	case len(bytes.TrimSpace(b)) == 0:
		return nil, &bodyError{http.StatusBadRequest, "body is empty; it must be a JSON object"}
	}
	return members(b, allowed)
}

// members splits a JSON object into its members, in order, refusing what
// events.DecodeStrict refuses and any name that is not allowed.
func members(b []byte, allowed []string) ([]member, error) {
	var obj map[string]jsontext.Value
	if err := events.DecodeStrict(b, &obj, "body"); err != nil {
		return nil, err
	}
	dec := jsontext.NewDecoder(bytes.NewReader(b))
	if _, err := dec.ReadToken(); err != nil { // the '{' DecodeStrict saw
		return nil, events.Wrap(events.CodeInvalidCommand, err, "body: must be a JSON object")
	}
	out := make([]member, 0, len(obj))
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, events.Wrap(events.CodeInvalidCommand, err, "body: must be a JSON object")
		}
		name := tok.String() // before the decoder moves on and voids tok
		if !slices.Contains(allowed, name) {
			return nil, unknownMember(name, allowed)
		}
		if err := dec.SkipValue(); err != nil {
			return nil, events.Wrap(events.CodeInvalidCommand, err, "body: must be a JSON object")
		}
		out = append(out, member{name: name, value: obj[name]})
	}
	return out, nil
}

// unknownMember names a member the route does not take, and the one it
// takes under another case, if any.
func unknownMember(name string, allowed []string) error {
	for _, a := range allowed {
		if a != name && bytes.EqualFold([]byte(a), []byte(name)) {
			return events.Errorf(events.CodeInvalidCommand, "body: unknown field %q; names are case-sensitive: did you mean %q?", name, a)
		}
	}
	return events.Errorf(events.CodeInvalidCommand, "body: unknown field %q", name)
}

// appendMember appends "name":value to the object being built in b.
func appendMember(b []byte, name string, value []byte) []byte {
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, quote(name)...)
	b = append(b, ':')
	return append(b, value...)
}

// quote returns s as a JSON string.
func quote(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// unquote returns the string a JSON string value holds, or "" for any
// other value.
func unquote(v jsontext.Value) string {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}
