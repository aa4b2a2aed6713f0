package eventbus

import (
	"context"
	"errors"
)

// Target receives the events of the rules that name it.
//
// Deliver gets one event as JSON (see Event). A nil error means the target
// has the event. Any other error is retried, unless it wraps a
// *PermanentError (see Permanent). Deliver must honour ctx, and must be safe
// for concurrent use: Bus.Replay may deliver while the bus does.
type Target interface {
	Deliver(ctx context.Context, event []byte) error
}

// Func is an in-process subscriber.
type Func func(ctx context.Context, event []byte) error

// Deliver calls f.
func (f Func) Deliver(ctx context.Context, event []byte) error { return f(ctx, event) }

var _ Target = Func(nil)

// PermanentError marks a delivery failure that retrying cannot fix, such as
// a webhook answering 400. The bus sends the event to the target's
// dead-letter queue at once.
type PermanentError struct {
	Err error
}

// Permanent wraps err as a *PermanentError. It returns nil for a nil err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// Error returns the cause's message.
func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err wraps a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
