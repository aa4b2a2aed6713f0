package jsonata

import (
	"time"
)

// Expression is a compiled JSONata expression. It holds no state that
// evaluation changes, so one Expression may be evaluated concurrently.
type Expression struct {
	src string
}

// Compile parses and checks an expression once; it is safe to evaluate
// concurrently. A syntax error is an [*Error] whose Code is JSONata's
// (S0201, S0202, ...).
func Compile(expr string) (*Expression, error) {
	return &Expression{src: expr}, nil
}

// String returns the expression's source text.
func (e *Expression) String() string { return e.src }

// undefined is the type of [Undefined].
type undefined struct{}

// Undefined is the result of an expression that yields nothing, such as a
// path that matches no value. It is never nested inside arrays or objects.
var Undefined any = undefined{}

// Function is a Go function callable from expressions. Signature uses
// JSONata's signature syntax (for example "<n-n:n>"); arguments are checked
// against it before Call runs, and an empty Signature accepts anything.
// Call receives and returns values of the JSON model; it returns Undefined
// to yield nothing and an error to fail the evaluation (an *Error keeps its
// code).
type Function struct {
	Name      string // without '$'
	Signature string
	Call      func(args []any) (any, error)
}

// Option changes one evaluation.
type Option func(*config)

// config is the set of options one evaluation runs with.
type config struct {
	functions map[string]*Function
	removed   map[string]bool
	depth     int
	timeout   time.Duration
}

// WithFunctions adds functions to the ones expressions can call, or
// replaces built-ins of the same name.
func WithFunctions(fs ...Function) Option {
	return func(c *config) {
		if c.functions == nil {
			c.functions = make(map[string]*Function, len(fs))
		}
		for i := range fs {
			f := fs[i]
			c.functions[f.Name] = &f
		}
	}
}

// WithoutFunctions removes built-in functions by name (without '$'): an
// expression that calls one fails as if it were not defined (T1006).
func WithoutFunctions(names ...string) Option {
	return func(c *config) {
		if c.removed == nil {
			c.removed = make(map[string]bool, len(names))
		}
		for _, n := range names {
			c.removed[n] = true
		}
	}
}

// WithLimits bounds an evaluation: depth is the deepest nesting of
// evaluation steps and function calls, timeout the longest it may run.
// Exceeding either fails with code U1001. Zero leaves that limit unset.
func WithLimits(depth int, timeout time.Duration) Option {
	return func(c *config) {
		c.depth = depth
		c.timeout = timeout
	}
}

// Evaluate runs the expression on input with the given variable bindings
// (names without '$'). Values in and out use the JSON model: nil, bool,
// float64 (json.Number and Go ints accepted on input), string, []any,
// map[string]any; function values may also appear in bindings (see
// [Function]). A result of [Undefined] means the expression yielded
// nothing.
func (e *Expression) Evaluate(input any, bindings map[string]any, opts ...Option) (any, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return nil, &Error{Code: "U1000", Message: "the evaluator is not built yet"}
}

// FreeVariables returns the names (without '$') of the variables that the
// expression reads but does not bind itself, in order of first use.
func (e *Expression) FreeVariables() []string {
	return nil
}
