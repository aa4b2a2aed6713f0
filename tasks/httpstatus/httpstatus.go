// Package httpstatus maps stepfold error names to HTTP statuses and error
// bodies, in one place, for every HTTP front end: the read Lambda behind API
// Gateway and the local server.
//
// An error name is an events.Code or a Step Functions name such as
// States.Timeout; docs/architecture.md lists the mapping.
package httpstatus

import (
	"errors"
	"net/http"
	"strings"

	"github.com/stepfold/stepfold/events"
)

// Status returns the HTTP status for an error name: 400, 404, 409 and 422
// for rejections and conflicts, 503 for Throttled, and 500 for the
// infrastructure codes, the States.* names and any name it does not know.
func Status(name string) int {
	switch events.Code(name) {
	case events.CodeInvalidCommand:
		return http.StatusBadRequest
	case events.CodeAccountNotFound, events.CodeTransactionNotFound:
		return http.StatusNotFound
	case events.CodeAccountAlreadyExists, events.CodeAccountClosed, events.CodeBalanceNotZero,
		events.CodeTransactionAlreadyReversed, events.CodeVersionConflict:
		return http.StatusConflict
	case events.CodeInsufficientFunds, events.CodeCurrencyMismatch, events.CodeAmountOverflow,
		events.CodeOccurredBeforeOpening, events.CodeIdempotencyKeyReused:
		return http.StatusUnprocessableEntity
	case events.CodeThrottled:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Body is the JSON body of an error response.
type Body struct {
	// Error is the error name, as in Status.
	Error string `json:"error"`
	// Message says what was wrong, for a person.
	Message string `json:"message"`
}

// FromError returns the status and body for err. The body carries the code
// and message of the first *events.Error in err's chain; any other error is
// Internal, and its text is not shown, since it may name internals.
func FromError(err error) (int, Body) {
	var e *events.Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError, Body{Error: string(events.CodeInternal), Message: "internal error"}
	}
	msg := e.Message
	if msg == "" {
		msg = strings.TrimPrefix(e.Error(), string(e.Code)+": ")
	}
	return Status(string(e.Code)), Body{Error: string(e.Code), Message: msg}
}
