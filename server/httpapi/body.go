package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
)

// bodyError is a request body that cannot be read as the route's JSON.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// decodeBody reads the request body into v strictly: one JSON object, no
// unknown fields, no trailing data, at most MaxBody bytes. An empty body is
// accepted only when optional is set.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) && optional {
			return nil
		}
		return describe(err)
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		if err == nil {
			return &bodyError{http.StatusBadRequest, "body must hold one JSON object and nothing after it"}
		}
		return describe(err)
	}
	return nil
}

// describe turns a decoding failure into a message for the client.
func describe(err error) error {
	var (
		tooBig *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return &bodyError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over the limit of %d bytes", MaxBody)}
	case errors.Is(err, io.EOF):
		return &bodyError{http.StatusBadRequest, "body is empty; it must be a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &bodyError{http.StatusBadRequest, "body is malformed JSON: it ends too early"}
	case errors.As(err, &syntax):
		return &bodyError{http.StatusBadRequest, fmt.Sprintf("body is malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())}
	case errors.As(err, &typ):
		return &bodyError{http.StatusBadRequest, typeMessage(typ)}
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &bodyError{http.StatusBadRequest, "body has an unknown field " + field}
	}
	return &bodyError{http.StatusBadRequest, "body is not acceptable: " + err.Error()}
}

func typeMessage(e *json.UnmarshalTypeError) string {
	if e.Field == "" {
		return fmt.Sprintf("body must be a JSON object, got %s", e.Value)
	}
	if e.Type.Kind() == reflect.Int64 && strings.HasPrefix(e.Value, "number") {
		return fmt.Sprintf("%s must be a whole number of minor units that fits in 64 bits", e.Field)
	}
	return fmt.Sprintf("%s must be a %s, got %s", e.Field, jsonKind(e.Type.Kind().String()), e.Value)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "int64", "int", "float64":
		return "number"
	}
	return goKind
}
