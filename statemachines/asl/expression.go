package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
)

// Bounds on one JSONata evaluation. An expression may recurse; past
// either bound it fails with States.QueryEvaluationError (code U1001).
const (
	// ExpressionDepth is how deeply one evaluation may nest.
	ExpressionDepth = 500
	// ExpressionTimeout is how long one evaluation may run.
	ExpressionTimeout = 5 * time.Second
)

// isExpression reports whether s is a JSONata expression, "{% ... %}". The
// delimiters must be the first and last characters: " {% x %} " is a
// plain string, as on AWS.
func isExpression(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// texpr is a compiled "{% ... %}" string of a JSONata state.
type texpr struct {
	src     string // the expression between the delimiters, trimmed
	field   string // where it is written, as AWS names it: Output/a/b[0]
	e       *jsonata.Expression
	vars    []string // the workflow variables it may read
	states  bool     // it reads $states
	context bool     // it may read $states.context
	// path is set when the expression is only a variable and field names,
	// such as $states.input.id or $order.total: see fieldPath.
	path *fieldPath
}

// expression compiles the expression s, written at loc (a JSON Pointer)
// in the field named field.
func (l *loader) expression(loc, field, s string) *texpr {
	src := strings.TrimSpace(s[2 : len(s)-2])
	e, err := jsonata.Compile(src)
	if err != nil {
		l.addCodef(ProblemJSONataExpression, loc, "invalid JSONata expression %q: %v", src, err)
		return nil
	}
	x := &texpr{src: src, field: field, e: e}
	for _, name := range e.FreeVariables() {
		if name == reservedVariable {
			x.states = true
			continue
		}
		x.vars = append(x.vars, name)
	}
	x.context = x.states && readsContext(src)
	x.path = parseFieldPath(src, x.vars)
	return x
}

// readsContext reports whether an expression that reads $states may read
// $states.context, the one member that costs something to build: every
// "$states" in its text but those followed by .input, .result or
// .errorOutput counts, strings included, so the answer errs towards yes.
func readsContext(src string) bool {
	for rest := src; ; {
		i := strings.Index(rest, "$states")
		if i < 0 {
			return false
		}
		rest = strings.TrimLeft(rest[i+len("$states"):], " \t\r\n")
		member, ok := strings.CutPrefix(rest, ".")
		if !ok {
			return true
		}
		member = strings.TrimLeft(member, " \t\r\n")
		name := member[:len(member)-len(strings.TrimLeft(member, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))]
		if name != "input" && name != "result" && name != "errorOutput" {
			return true
		}
	}
}

// jsonataTemplate compiles the value of a JSONata field (Output,
// Arguments, Assign, ItemSelector, Items): literal values in which every
// "{% %}" string is an expression.
func (l *loader) jsonataTemplate(loc, field string, v any) *template {
	t := &template{}
	t.root = l.jnode(loc, field, v, t)
	return t
}

// jnode compiles one value of a JSONata template.
func (l *loader) jnode(loc, field string, v any, t *template) tnode {
	switch x := v.(type) {
	case map[string]any:
		obj := &tobject{fields: make([]tfield, 0, len(x))}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			obj.fields = append(obj.fields, tfield{k, l.jnode(pointer(loc, k), field+"/"+k, x[k], t)})
		}
		return obj
	case []any:
		arr := &tarray{elems: make([]tnode, len(x))}
		for i, e := range x {
			arr.elems[i] = l.jnode(pointer(loc, i), field+"["+strconv.Itoa(i)+"]", e, t)
		}
		return arr
	case string:
		if !isExpression(x) {
			return tliteral{x}
		}
		e := l.expression(loc, field, x)
		if e == nil {
			return tliteral{}
		}
		t.context = t.context || e.context
		t.hasExpr = true
		return e
	}
	return tliteral{v}
}

// eval evaluates the expression; in is the $states object.
func (x *texpr) eval(in any, sc *stateCtx) (any, error) {
	states, _ := in.(map[string]any)
	return sc.evalExpr(x, states)
}

// readsOnly is false: JSONata templates are never ResultSelectors.
func (*texpr) readsOnly(string) bool { return false }

// evalExpr evaluates x with $states and the variables it reads bound.
func (sc *stateCtx) evalExpr(x *texpr, states map[string]any) (any, error) {
	if x.path != nil {
		if v, ok := x.path.eval(sc, states); ok {
			if v == jsonata.Undefined {
				return nil, sc.queryErrorf(x.field, "The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", x.src, x.field)
			}
			return v, nil
		}
	}
	bind := make(map[string]any, len(x.vars)+1)
	if x.states {
		bind[reservedVariable] = states
	}
	for _, name := range x.vars {
		if v, ok := sc.variable(name); ok {
			bind[name] = v
		}
	}
	v, err := x.e.Evaluate(nil, bind, sc.fr.run.m.expressionOptions(x)...)
	if err != nil {
		var je *jsonata.Error
		if errors.As(err, &je) {
			return nil, sc.queryErrorf(x.field, "The JSONata expression '%s' specified for the field '%s' threw an error during evaluation. %s", x.src, x.field, je.Error())
		}
		return nil, sc.queryErrorf(x.field, "The JSONata expression '%s' specified for the field '%s' threw an error during evaluation. %v", x.src, x.field, err)
	}
	if v == jsonata.Undefined {
		return nil, sc.queryErrorf(x.field, "The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", x.src, x.field)
	}
	return jsonvalue.Numbers(v), nil
}

// expressionOptions returns the options x is evaluated with by m, once
// per expression.
func (m *Machine) expressionOptions(x *texpr) []jsonata.Option {
	if opts, ok := m.exprOpts.Load(x); ok {
		return opts.([]jsonata.Option)
	}
	opts, _ := m.exprOpts.LoadOrStore(x, m.jsonata.options(x))
	return opts.([]jsonata.Option)
}

// queryErrorf returns a States.QueryEvaluationError of the state, worded as
// AWS words it, and records the EvaluationFailed event AWS records with
// it; field is where the failing expression is written.
func (sc *stateCtx) queryErrorf(field, format string, args ...any) *Error {
	e := newError(ErrorQueryEvaluation, sc.causePrefix()+fmt.Sprintf(format, args...))
	e.location = field
	sc.fr.record(event{typ: evaluationFailed, name: sc.st.name, err: e})
	return e
}

// causePrefix starts the cause of an error the interpreter raises in a
// state.
func (sc *stateCtx) causePrefix() string {
	return fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). ", sc.st.name, sc.enteredID)
}

// statesData is what a JSONata state's $states holds besides the context.
type statesData struct {
	input       any
	result      any
	errorOutput any
	hasResult   bool
	hasError    bool
	plain       bool // input and result hold no raw JSON text to decode
}

// statesObject builds $states; the context object only when an
// expression may read it.
func (sc *stateCtx) statesObject(d statesData, context bool) map[string]any {
	m := make(map[string]any, 4)
	m["input"], m["result"] = d.input, d.result
	if !d.plain {
		m["input"], m["result"] = jsonvalue.Expand(materialize(d.input)), jsonvalue.Expand(materialize(d.result))
	}
	if !d.hasResult {
		delete(m, "result")
	}
	if d.hasError {
		m["errorOutput"] = d.errorOutput
	}
	if context {
		m["context"] = sc.contextObject()
	}
	return m
}

// jsonataOutput runs the end of a JSONata state, Choice rule or catcher:
// Assign, then Output (def when there is none). Both see the variables
// from before the state, and $states as d describes it.
func (sc *stateCtx) jsonataOutput(assign *assignment, output *template, def any, d statesData) (any, error) {
	if assign == nil && output == nil {
		return def, nil
	}
	context := assign != nil && assign.tmpl.context || output != nil && output.context
	states := sc.statesObject(d, context)
	if err := sc.assign(assign, states); err != nil {
		return nil, err
	}
	if output == nil {
		return def, nil
	}
	return output.eval(states, sc)
}

// jvalue is a field of a JSONata state that holds either a literal or an
// expression (Seconds, Timestamp, TimeoutSeconds, MaxConcurrency, Error,
// Condition, ...).
type jvalue struct {
	lit any
	x   *texpr
}

// jsonataValue loads an optional field that may be an expression; set
// reports whether it is present. A literal is left to the caller to check.
func (l *loader) jsonataValue(o obj, k string) (v jvalue, set bool) {
	raw, ok := o.m[k]
	if !ok {
		return jvalue{}, false
	}
	if s, isStr := raw.(string); isStr && isExpression(s) {
		return jvalue{x: l.expression(o.at(k), k, s)}, true
	}
	return jvalue{lit: raw}, true
}

// eval returns the field's value for a state whose $states is d.
func (v jvalue) eval(sc *stateCtx, d statesData) (any, error) {
	if v.x == nil {
		return v.lit, nil
	}
	return sc.evalExpr(v.x, sc.statesObject(d, v.x.context))
}

// src is how a message names the value: the expression, or the literal.
func (v jvalue) src() string {
	if v.x != nil {
		return v.x.src
	}
	return jsonText(v.lit)
}

// typeErrorf reports an expression that returned a value of the wrong
// type, in AWS's words.
func (sc *stateCtx) typeErrorf(v jvalue, field, want string, got any) *Error {
	return sc.queryErrorf(field, "The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected '%s', but was '%s' for value: %s", v.src(), field, want, jsontype.Name(got), jsonText(got))
}

// numberRule is what a numeric field of a JSONata state accepts: a number
// of at least min, and at most max when max is not 0, an integer if
// integer is set.
type numberRule struct {
	integer  bool
	min, max float64
}

// String describes the numbers the rule accepts.
func (r numberRule) String() string {
	kind := "a number"
	if r.integer {
		kind = "an integer"
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	if r.max != 0 {
		return fmt.Sprintf("%s from %s to %s", kind, num(r.min), num(r.max))
	}
	return fmt.Sprintf("%s of at least %s", kind, num(r.min))
}

// accepts reports whether f keeps the rule.
func (r numberRule) accepts(f float64) bool {
	return f >= r.min && (r.max == 0 || f <= r.max) && (!r.integer || f == math.Trunc(f)) && !math.IsInf(f, 0)
}

// jsonataNumber loads an optional numeric field of a JSONata state: an
// expression, or a literal number the rule accepts.
func (l *loader) jsonataNumber(o obj, k string, r numberRule) jvalue {
	v, set := l.jsonataValue(o, k)
	if !set || v.x != nil {
		return v
	}
	n, ok := v.lit.(json.Number)
	f, err := n.Float64()
	if !ok || err != nil || !r.accepts(f) {
		l.addf(o.at(k), "must be %s or a JSONata expression, not %s", r, jsonText(v.lit))
	}
	return v
}

// literalInt is the integer a checked literal of jsonataNumber holds, 0
// when there is none.
func (v jvalue) literalInt() int64 {
	n, _ := v.lit.(json.Number)
	i, _ := n.Int64()
	return i
}

// numberField evaluates a numeric field; an absent one is 0.
func (sc *stateCtx) numberField(v jvalue, field string, r numberRule, d statesData) (float64, error) {
	if v.x == nil && v.lit == nil {
		return 0, nil
	}
	got, err := v.eval(sc, d)
	if err != nil {
		return 0, err
	}
	n, ok := got.(json.Number)
	if !ok {
		want := "number"
		if r.integer {
			want = "integer"
		}
		return 0, sc.typeErrorf(v, field, want, got)
	}
	f, err := n.Float64()
	if err != nil || !r.accepts(f) {
		return 0, sc.queryErrorf(field, "The JSONata expression '%s' specified for the field '%s' returned %s, but the field must be %s.", v.src(), field, n, r)
	}
	return f, nil
}

// integerValue reads an integer that a path selected: a number, or a
// string that holds one, which AWS reads as that number.
func integerValue(v any) (int64, error) {
	switch t := v.(type) {
	case json.Number:
		return t.Int64()
	case string:
		return strconv.ParseInt(t, 10, 64)
	}
	return 0, fmt.Errorf("%s is not a number", jsontype.Name(v))
}
