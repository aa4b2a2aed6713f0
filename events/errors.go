package events

import (
	"errors"
	"fmt"
	"net/http"
)

// Code names a class of failure. Codes are stable identifiers: they cross
// the Lambda and Step Functions boundary unchanged and become the error
// names that a state machine's ErrorEquals matches and the HTTP "error"
// member. A domain adds its own rejection codes in Info().Rejections.
type Code string

// Rejections every domain shares: the command was understood and refused.
const (
	// InvalidCommand means the command is malformed or breaks a rule that
	// needs no state. It is a 400.
	CodeInvalidCommand Code = "InvalidCommand"
	// NotFound means the stream has no events. A domain usually names its
	// own code for it (Info().NotFound). It is a 404.
	CodeNotFound Code = "NotFound"
	// IdempotencyKeyReused means the command id was already used for a
	// different request. It is a 422, as the IETF Idempotency-Key header
	// draft has it.
	CodeIdempotencyKeyReused Code = "IdempotencyKeyReused"
)

// Port failures.
const (
	// VersionConflict means the expected version was already taken: another
	// command won the race. Validate again on fresh state.
	CodeVersionConflict Code = "VersionConflict"
	// InvalidArgument means a port was called with input it cannot accept,
	// such as an empty stream id. Nothing was written.
	CodeInvalidArgument Code = "InvalidArgument"
	// EventTooLarge means one event is over MaxEventSize. Nothing was written.
	CodeEventTooLarge Code = "EventTooLarge"
	// Throttled means the store or bus refused the call for now. It is safe
	// and useful to retry with backoff.
	CodeThrottled Code = "Throttled"
	// StoreUnavailable means the store could not be used at all: a missing
	// table, a locked or corrupt file, a closed store.
	CodeStoreUnavailable Code = "StoreUnavailable"
	// PublishFailed means some events could not be handed to the bus.
	CodePublishFailed Code = "PublishFailed"
	// Internal is any failure that has no more specific code.
	CodeInternal Code = "Internal"
)

// Error is the one error type of the core, its ports and every domain.
// Callers check the class with errors.Is against a sentinel (an *Error with
// only a Code, such as ErrVersionConflict) and read the details with
// errors.As.
type Error struct {
	Code    Code   // the stable name of the failure
	Message string // for a person: what was wrong and, where useful, what to do
	Err     error  // the underlying cause, if any
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code and message that keeps err as
// its cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Error implements error as "Code: message".
func (e *Error) Error() string {
	switch {
	case e.Message == "" && e.Err == nil:
		return string(e.Code)
	case e.Message == "":
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	case e.Err == nil:
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Detail returns the message and those of its causes, joined by ": ",
// without their codes: "member \"events\": must be a string" where Error
// says "InvalidArgument: member \"events\": InvalidArgument: must be a
// string". It is "" for an error with neither.
func (e *Error) Detail() string {
	var cause string
	var inner *Error
	switch {
	case errors.As(e.Err, &inner):
		cause = inner.Detail()
	case e.Err != nil:
		cause = e.Err.Error()
	}
	switch {
	case cause == "":
		return e.Message
	case e.Message == "":
		return cause
	}
	return e.Message + ": " + cause
}

// Is reports whether target is an *Error with the same code and no message,
// as the sentinels are.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Code == e.Code
}

// ErrorCode returns the code of the first *Error in err's chain, or Internal
// when there is none. It returns "" for a nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Sentinels for errors.Is. Each matches any *Error with its code.
var (
	ErrInvalidCommand       = &Error{Code: CodeInvalidCommand}
	ErrNotFound             = &Error{Code: CodeNotFound}
	ErrIdempotencyKeyReused = &Error{Code: CodeIdempotencyKeyReused}
	ErrVersionConflict      = &Error{Code: CodeVersionConflict}
	ErrInvalidArgument      = &Error{Code: CodeInvalidArgument}
	ErrEventTooLarge        = &Error{Code: CodeEventTooLarge}
	ErrThrottled            = &Error{Code: CodeThrottled}
	ErrStoreUnavailable     = &Error{Code: CodeStoreUnavailable}
	ErrPublishFailed        = &Error{Code: CodePublishFailed}
	ErrInternal             = &Error{Code: CodeInternal}
)

// coreStatus returns the HTTP status of the core's codes that are not a 500.
func coreStatus(code Code) (int, bool) {
	switch code {
	case CodeInvalidCommand:
		return http.StatusBadRequest, true
	case CodeNotFound:
		return http.StatusNotFound, true
	case CodeIdempotencyKeyReused:
		return http.StatusUnprocessableEntity, true
	case CodeVersionConflict:
		return http.StatusConflict, true
	case CodeThrottled:
		return http.StatusServiceUnavailable, true
	}
	return 0, false
}

// Status returns the HTTP status of code: the domain's own rejections
// first, then the core's codes; anything else (States.*, the port failures)
// is a 500.
func (i Info) Status(code Code) int {
	for _, r := range i.Rejections {
		if r.Code == code {
			return r.Status
		}
	}
	if code == i.NotFound {
		return http.StatusNotFound
	}
	if s, ok := coreStatus(code); ok {
		return s
	}
	return http.StatusInternalServerError
}

// IsRejection reports whether code refuses a command on its merits, so
// that retrying it unchanged cannot succeed.
func (i Info) IsRejection(code Code) bool {
	switch code {
	case CodeInvalidCommand, CodeNotFound, CodeIdempotencyKeyReused, i.NotFound:
		return true
	}
	return i.hasRejection(code)
}

func (i Info) hasRejection(code Code) bool {
	for _, r := range i.Rejections {
		if r.Code == code {
			return true
		}
	}
	return false
}
