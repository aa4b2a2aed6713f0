package jsonata

import (
	"strings"
	"time"
)

// Expression is a compiled JSONata expression. It holds no state that
// evaluation changes, so one Expression may be evaluated concurrently.
type Expression struct {
	src      string
	ast      *node
	free     []string
	usesTime bool // the expression may call $now or $millis
}

// Compile parses and checks an expression once; it is safe to evaluate
// concurrently. A syntax error is an [*Error] whose Code is JSONata's
// (S0201, S0202, ...).
func Compile(expr string) (*Expression, error) {
	ast, err := parse(expr)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.finish()
		}
		return nil, err
	}
	x := &Expression{src: expr, ast: ast, free: freeVariables(ast)}
	x.usesTime = strings.Contains(expr, "$now") || strings.Contains(expr, "$millis") || strings.Contains(expr, "$eval")
	return x, nil
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
	functions map[string]*builtin
	removed   map[string]bool
	depth     int
	timeout   time.Duration
	ordered   bool

	maxString, maxArray int // zero: maxStringLength, maxArrayLength
}

// WithOrderedObjects makes Evaluate return objects as [*Object], which
// keep their members in JSONata's order, rather than as map[string]any.
func WithOrderedObjects() Option {
	return func(c *config) { c.ordered = true }
}

// WithFunctions adds functions to the ones expressions can call, or
// replaces built-ins of the same name.
func WithFunctions(fs ...Function) Option {
	// the functions are prepared once, not at every evaluation
	prepared := make([]*builtin, len(fs))
	for i := range fs {
		f := fs[i]
		prepared[i] = newUserFunction(&f)
	}
	return func(c *config) {
		if c.functions == nil {
			c.functions = make(map[string]*builtin, len(prepared))
		}
		for _, b := range prepared {
			c.functions[b.name] = b
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
// evaluation steps, timeout the longest it may run. Exceeding either
// fails with code U1001. Zero leaves that limit at its default: a depth of
// 10000, and no timeout. A depth above 100000 is taken as 100000, which
// keeps the goroutine's stack near 128 MiB.
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
	result, ordered, err := e.evaluate(input, bindings, opts)
	if err != nil || isUndef(result) {
		return result, err
	}
	out, err := export(result, ordered)
	if err != nil {
		err.(*Error).finish()
		return nil, err
	}
	return out, nil
}

// evaluate is Evaluate without the conversion of the result.
func (e *Expression) evaluate(input any, bindings map[string]any, opts []Option) (any, bool, error) {
	// one allocation holds the evaluation's state
	st := &struct {
		ev   evaluator
		root rootScope
		env  frame
		cfg  config
	}{}
	for _, o := range opts {
		o(&st.cfg)
	}
	st.ev.maxDepth = defaultMaxDepth
	st.ev.maxString, st.ev.maxArray = maxStringLength, maxArrayLength
	if st.cfg.maxString > 0 {
		st.ev.maxString, st.ev.maxArray = st.cfg.maxString, st.cfg.maxArray
	}
	if st.cfg.depth > 0 {
		st.ev.maxDepth = min(st.cfg.depth, maxDepthLimit)
	}
	st.root = rootScope{bindings: bindings, input: norm(input), cfg: &st.cfg}
	if st.cfg.timeout > 0 || e.usesTime {
		st.root.now = time.Now()
	}
	if st.cfg.timeout > 0 {
		st.ev.timed = true
		st.ev.deadline = st.root.now.Add(st.cfg.timeout)
	}
	in := st.root.input
	if a, ok := in.(*array); ok {
		in = &array{items: []any{a}, seq: true, outerWrapper: true}
	}
	st.env.root = &st.root
	result, err := st.ev.eval(e.ast, in, &st.env)
	if err != nil {
		if x, ok := err.(*Error); ok {
			x.finish()
		}
		return nil, false, err
	}
	return result, st.cfg.ordered, nil
}

// finish fills the message and turns the values an error carries into the
// JSON model.
func (e *Error) finish() {
	if e.Message == "" {
		e.fillMessage()
	}
	e.Value = exportErrorValue(e.Value)
	e.Value2 = exportErrorValue(e.Value2)
}

func exportErrorValue(v any) any {
	if v == nil || isUndef(v) {
		return nil
	}
	out, err := export(v, false)
	if err != nil {
		return nil
	}
	return out
}

// FreeVariables returns the names (without '$') of the variables that the
// expression reads but does not bind itself, in order of first use.
func (e *Expression) FreeVariables() []string {
	return append([]string(nil), e.free...)
}
