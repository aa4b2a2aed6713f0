package intrinsic

import (
	"errors"
	"fmt"
	"strings"
)

// Expr is a compiled intrinsic function call such as
// States.Format('{} {}', $.a, States.UUID()). An Expr is immutable and safe
// for concurrent use.
type Expr struct {
	src  string
	call *call
}

// Env supplies randomness so that evaluation can be made deterministic.
// A zero Env uses math/rand/v2 and crypto/rand.
type Env struct {
	// RandInt returns a value in [lo, hi) for States.MathRandom.
	RandInt func(lo, hi int64) int64
	// UUID returns an RFC 4122 version 4 UUID for States.UUID.
	UUID func() string
	// Variable returns the value of the workflow variable name, for
	// arguments such as $name or $name.field; false when it is not
	// defined. A nil Variable defines none.
	Variable func(name string) (any, bool)
}

// Error is a runtime intrinsic failure. The interpreter raises it as
// States.IntrinsicFailure with Cause = Message.
type Error struct{ Message string }

// Error returns Message.
func (e *Error) Error() string { return e.Message }

// ErrSyntax is matched (errors.Is) by every error [Compile] returns.
var ErrSyntax = errors.New("intrinsic: invalid function call")

// SyntaxError describes why [Compile] rejected an expression. It matches
// [ErrSyntax] with errors.Is.
type SyntaxError struct {
	Expr   string // the expression as given
	Pos    int    // byte offset of the problem
	Reason string // what is wrong
}

// Error returns a message naming the expression, offset and reason.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid intrinsic function %q at position %d: %s", e.Expr, e.Pos, e.Reason)
}

// Is reports whether target is [ErrSyntax].
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// IsCall reports whether s looks like an intrinsic function call: it starts
// with "States." and holds a parenthesised argument list. It does not
// validate the call; use [Compile] for that.
func IsCall(s string) bool {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	return strings.HasPrefix(s, "States.") && open > len("States.") &&
		strings.HasSuffix(s, ")")
}

// Compile parses s and checks function names and, where it is known
// statically, the number and kind of arguments.
func Compile(s string) (*Expr, error) {
	c, err := parse(s)
	if err != nil {
		return nil, err
	}
	return &Expr{src: s, call: c}, nil
}

// String returns the expression as it was written.
func (e *Expr) String() string { return e.src }

// Eval evaluates the call. JSONPath arguments read input ("$"), context
// ("$$") or a workflow variable ("$name", through env.Variable). A path
// that matches nothing returns the jsonpath error (matching
// jsonpath.ErrNoMatch); an undefined variable and a failure of the
// function itself return *Error.
func (e *Expr) Eval(input, context any, env Env) (any, error) {
	ev := &evaluator{input: input, context: context, env: env}
	return ev.call(e.call)
}
