package asl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error names defined by the Amazon States Language.
const (
	ErrorAll                    = "States.ALL"
	ErrorTaskFailed             = "States.TaskFailed"
	ErrorTimeout                = "States.Timeout"
	ErrorHeartbeatTimeout       = "States.HeartbeatTimeout"
	ErrorRuntime                = "States.Runtime"
	ErrorDataLimitExceeded      = "States.DataLimitExceeded"
	ErrorResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrorBranchFailed           = "States.BranchFailed"
	ErrorNoChoiceMatched        = "States.NoChoiceMatched"
	ErrorPermissions            = "States.Permissions"
	// ErrorQueryEvaluation is the failure of a JSONata expression: it
	// threw an error, returned nothing, or returned a value of the wrong
	// type for its field.
	ErrorQueryEvaluation = "States.QueryEvaluationError"
	// ErrorParameterPathFailure and ErrorIntrinsicFailure are reserved by the
	// specification. AWS reports both failures as States.Runtime, and so does
	// this package; the names are kept so that ErrorEquals lists using them
	// still load.
	ErrorParameterPathFailure = "States.ParameterPathFailure"
	ErrorIntrinsicFailure     = "States.IntrinsicFailure"
)

// MaxPayloadSize is the largest input, output or task result, in bytes, that
// Step Functions accepts (256 KiB). Anything larger fails with
// States.DataLimitExceeded.
const MaxPayloadSize = 256 * 1024

// Error is a failure of a state or of a whole execution, named the way ASL
// names it. Use errors.As to read it from any error this package returns.
type Error struct {
	Name  string // the error name, e.g. "States.Timeout" or a Lambda errorType
	Cause string // a human-readable explanation or a JSON error payload

	noName  bool // a Fail state without Error: the name is absent
	noCause bool // the cause is absent (as opposed to "")
	// taskResult: a States.DataLimitExceeded raised by a task's result,
	// which States.ALL catches (AWS's recordings show it caught).
	taskResult bool
	// aborted: the Task state that failed with this error ended a Parallel
	// branch and was recorded as TaskStateAborted.
	aborted bool
	// location: the field of the JSONata expression that failed.
	location string
}

// Error returns "Name: Cause".
func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// HasName reports whether the error carries a name. A Fail state without
// Error or ErrorPath fails the execution with no error name.
func (e *Error) HasName() bool { return !e.noName }

// HasCause reports whether the error carries a cause, which may be "".
func (e *Error) HasCause() bool { return !e.noCause }

// catchValue is the {Error, Cause} object a Catch places at its ResultPath.
func (e *Error) catchValue() map[string]any {
	v := make(map[string]any, 2)
	if !e.noName {
		v["Error"] = e.Name
	}
	if !e.noCause {
		v["Cause"] = e.Cause
	}
	return v
}

// newError returns an *Error with both name and cause present.
func newError(name, cause string) *Error { return &Error{Name: name, Cause: cause} }

// asError converts any error to an *Error; errors that are not an *Error
// become States.TaskFailed with the error text as cause.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return newError(ErrorTaskFailed, err.Error())
}

// matches reports whether a retrier's or catcher's ErrorEquals list
// matches the error. States.ALL matches everything but the terminal errors,
// though it does match a task result over the size limit, as AWS's
// recordings show; States.TaskFailed matches everything but States.Timeout
// and the terminal errors.
func (e *Error) matches(equals []string) bool {
	return errorMatches(equals, e.Name) || e.taskResult && slices.Contains(equals, ErrorAll)
}

// errorMatches reports whether an ErrorEquals list matches an error name.
func errorMatches(equals []string, name string) bool {
	for _, want := range equals {
		switch want {
		case name:
			return true
		case ErrorAll:
			if name != ErrorRuntime && name != ErrorDataLimitExceeded {
				return true
			}
		case ErrorTaskFailed:
			if name != ErrorRuntime && name != ErrorDataLimitExceeded && name != ErrorTimeout {
				return true
			}
		}
	}
	return false
}

// Problem is one reason a definition was rejected.
type Problem struct {
	Location string // JSON Pointer (RFC 6901) into the definition, "" for the document
	Message  string // what is wrong
	Code     string // the kind of problem, as ValidateStateMachineDefinition names it
}

// Problem codes, as Step Functions' ValidateStateMachineDefinition names
// them; a problem with no more specific code is SCHEMA_VALIDATION_FAILED.
const (
	ProblemSchema            = "SCHEMA_VALIDATION_FAILED"
	ProblemInvalidJSON       = "INVALID_JSON_DESCRIPTION"
	ProblemTransition        = "MISSING_TRANSITION_TARGET"
	ProblemJSONataExpression = "INVALID_JSONATA_EXPRESSION"
)

// String returns "location: message".
func (p Problem) String() string {
	loc := p.Location
	if loc == "" {
		loc = "/"
	}
	return loc + ": " + p.Message
}

// LoadError reports every problem found in a definition. It is returned by
// [Parse] and [ParseState].
type LoadError struct {
	Problems []Problem
}

// Error lists the problems, one per line after a summary.
func (e *LoadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "asl: invalid definition (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString(")")
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// ErrExecutionNotFound is returned when no execution has the given ARN.
var ErrExecutionNotFound = errors.New("asl: execution not found")

// ErrExecutionExists is returned by StartExecution when a running execution
// already has the name.
var ErrExecutionExists = errors.New("asl: execution already exists")

// ErrClosed is returned when a Machine has been closed.
var ErrClosed = errors.New("asl: machine closed")
