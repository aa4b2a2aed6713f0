package events

import (
	"errors"
	"fmt"
)

// Code names a class of failure. Codes are stable identifiers: they cross the
// Lambda and Step Functions boundary unchanged and become the error names
// that a state machine's ErrorEquals matches.
type Code string

// Rule rejections: the command was understood and refused.
const (
	CodeInvalidCommand             Code = "InvalidCommand"
	CodeAccountNotFound            Code = "AccountNotFound"
	CodeAccountAlreadyExists       Code = "AccountAlreadyExists"
	CodeAccountClosed              Code = "AccountClosed"
	CodeInsufficientFunds          Code = "InsufficientFunds"
	CodeBalanceNotZero             Code = "BalanceNotZero"
	CodeCurrencyMismatch           Code = "CurrencyMismatch"
	CodeAmountOverflow             Code = "AmountOverflow"
	CodeTransactionNotFound        Code = "TransactionNotFound"
	CodeTransactionAlreadyReversed Code = "TransactionAlreadyReversed"
	// OccurredBeforeOpening refuses a command whose business time
	// (occurredAt, or now when it has none) is before the account opened:
	// the account did not exist then, as a read as of that time says.
	CodeOccurredBeforeOpening Code = "OccurredBeforeOpening"
	// IdempotencyKeyReused refuses a command whose command id (the
	// Idempotency-Key) the account already recorded for a different
	// request: see Command.Fingerprint and SameRequest.
	CodeIdempotencyKeyReused Code = "IdempotencyKeyReused"
)

// Port failures.
const (
	// VersionConflict means the expected version was already taken: another
	// command won the race. Validate again on fresh state.
	CodeVersionConflict Code = "VersionConflict"
	// InvalidArgument means a port was called with input it cannot accept,
	// such as an empty account id. Nothing was written.
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

// Error is the one error type of the domain and its ports. Callers check the
// class with errors.Is against the Err* sentinels, and read the details with
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

// Wrap returns an *Error with the given code and message that keeps err as its cause.
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

// Is reports whether target is an *Error with the same code and no message,
// as the Err* sentinels are.
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

// Retryable reports whether err is worth retrying unchanged: throttling and
// other transient store failures.
func Retryable(err error) bool {
	return errors.Is(err, ErrThrottled)
}

// Sentinels for errors.Is. Each matches any *Error with its code.
var (
	ErrInvalidCommand             = &Error{Code: CodeInvalidCommand}
	ErrAccountNotFound            = &Error{Code: CodeAccountNotFound}
	ErrAccountAlreadyExists       = &Error{Code: CodeAccountAlreadyExists}
	ErrAccountClosed              = &Error{Code: CodeAccountClosed}
	ErrInsufficientFunds          = &Error{Code: CodeInsufficientFunds}
	ErrBalanceNotZero             = &Error{Code: CodeBalanceNotZero}
	ErrCurrencyMismatch           = &Error{Code: CodeCurrencyMismatch}
	ErrAmountOverflow             = &Error{Code: CodeAmountOverflow}
	ErrTransactionNotFound        = &Error{Code: CodeTransactionNotFound}
	ErrTransactionAlreadyReversed = &Error{Code: CodeTransactionAlreadyReversed}
	ErrOccurredBeforeOpening      = &Error{Code: CodeOccurredBeforeOpening}
	ErrIdempotencyKeyReused       = &Error{Code: CodeIdempotencyKeyReused}
	ErrVersionConflict            = &Error{Code: CodeVersionConflict}
	ErrInvalidArgument            = &Error{Code: CodeInvalidArgument}
	ErrEventTooLarge              = &Error{Code: CodeEventTooLarge}
	ErrThrottled                  = &Error{Code: CodeThrottled}
	ErrStoreUnavailable           = &Error{Code: CodeStoreUnavailable}
	ErrPublishFailed              = &Error{Code: CodePublishFailed}
	ErrInternal                   = &Error{Code: CodeInternal}
)

// IsRejection reports whether err is a rule rejection: the command was
// refused on its merits, so retrying it unchanged cannot succeed.
func IsRejection(err error) bool {
	switch ErrorCode(err) {
	case CodeInvalidCommand, CodeAccountNotFound, CodeAccountAlreadyExists, CodeAccountClosed,
		CodeInsufficientFunds, CodeBalanceNotZero, CodeCurrencyMismatch, CodeAmountOverflow,
		CodeTransactionNotFound, CodeTransactionAlreadyReversed, CodeOccurredBeforeOpening,
		CodeIdempotencyKeyReused:
		return true
	}
	return false
}
