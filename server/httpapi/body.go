package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/stepfold/stepfold/events"
)

// bodyError is a request body that cannot be read as the route's JSON.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// decodeBody reads the request body into v with events.DecodeStrict, the
// reading every command gets: one JSON object, names spelled exactly and
// each only once, no unknown fields, valid UTF-8, nothing after it, at
// most MaxBody bytes. An empty body is accepted only when optional is set.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &bodyError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over the limit of %d bytes", MaxBody)}
	case err != nil:
		return &bodyError{http.StatusBadRequest, "body cannot be read: " + err.Error()}
	case len(bytes.TrimSpace(b)) == 0 && optional:
		return nil
	case len(bytes.TrimSpace(b)) == 0:
		return &bodyError{http.StatusBadRequest, "body is empty; it must be a JSON object"}
	}
	return events.DecodeStrict(b, v, "body")
}
