package asl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/intrinsic"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// template is a compiled payload template: in a JSONPath state
// (Parameters, ResultSelector, ItemSelector, Assign) literal values, with
// "key.$" fields taken from a path or an intrinsic function call; in a
// JSONata state (Arguments, Output, Assign, ItemSelector, Items) literal
// values with "{% %}" expressions, evaluated on the $states object.
type template struct {
	root tnode
	// payloadOnly: the template reads nothing of its input but what is
	// under $.Payload (see readsOnly).
	payloadOnly bool
	// context: an expression of a JSONata template may read
	// $states.context.
	context bool
	// hasExpr: a JSONata template holds an expression.
	hasExpr bool
}

// tnode is one node of a payload template.
type tnode interface {
	eval(in any, sc *stateCtx) (any, error)
	// readsOnly reports whether every path the node reads from its input
	// starts at the field root of it, and it calls no intrinsic function.
	readsOnly(root string) bool
}

// tliteral is a value copied as it is. Values are never modified in place,
// so the literal is shared.
type tliteral struct{ v any }

// tobject builds an object from its fields.
type tobject struct{ fields []tfield }

// tfield is one member of a tobject.
type tfield struct {
	key  string
	node tnode
}

// tarray builds an array from its elements.
type tarray struct{ elems []tnode }

// tpath takes a value from the input or the context object.
type tpath struct {
	field string
	p     *jsonpath.Path
}

// tcall evaluates an intrinsic function.
type tcall struct {
	field string
	e     *intrinsic.Expr
}

// template compiles v, recording malformed paths and calls.
func (l *loader) template(loc string, v any) *template {
	t := &template{root: l.tnode(loc, v)}
	t.payloadOnly = t.root.readsOnly("Payload")
	return t
}

// tnode compiles one template value.
func (l *loader) tnode(loc string, v any) tnode {
	switch t := v.(type) {
	case map[string]any:
		return l.tobject(loc, t)
	case []any:
		arr := &tarray{elems: make([]tnode, len(t))}
		for i, e := range t {
			arr.elems[i] = l.tnode(pointer(loc, i), e)
		}
		return arr
	default:
		return tliteral{v}
	}
}

// tobject compiles an object, turning "key.$" members into paths or calls.
// Its fields are in key order, so that of two members that fail, the one an
// evaluation reports is always the same.
func (l *loader) tobject(loc string, m map[string]any) tnode {
	obj := &tobject{fields: make([]tfield, 0, len(m))}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		at := pointer(loc, k)
		if !strings.HasSuffix(k, ".$") {
			obj.fields = append(obj.fields, tfield{k, l.tnode(at, v)})
			continue
		}
		s, ok := v.(string)
		if !ok {
			l.addf(at, "the value of a field ending in \".$\" must be a string, not %s", jsontype.Name(v))
			continue
		}
		obj.fields = append(obj.fields, tfield{strings.TrimSuffix(k, ".$"), l.dynamic(at, k, s)})
	}
	return obj
}

// dynamic compiles the string of a "key.$" member: an intrinsic function
// call or a JSONPath.
func (l *loader) dynamic(loc, field, s string) tnode {
	if intrinsic.IsCall(s) {
		e, err := intrinsic.Compile(s)
		if err != nil {
			l.addf(loc, "invalid intrinsic function %q: %v", s, err)
			return tliteral{}
		}
		return &tcall{field: field, e: e}
	}
	p := l.compilePath(loc, s, false)
	if p == nil {
		return tliteral{}
	}
	return &tpath{field: field, p: p}
}

// eval builds the template's value for in.
func (t *template) eval(in any, sc *stateCtx) (any, error) {
	return t.root.eval(in, sc)
}

func (t tliteral) eval(any, *stateCtx) (any, error) { return t.v, nil }

func (tliteral) readsOnly(string) bool { return true }

func (t *tobject) readsOnly(root string) bool {
	return !slices.ContainsFunc(t.fields, func(f tfield) bool { return !f.node.readsOnly(root) })
}

func (t *tarray) readsOnly(root string) bool {
	return !slices.ContainsFunc(t.elems, func(e tnode) bool { return !e.readsOnly(root) })
}

// readsOnly holds for context paths and for input paths that begin with
// $.root and name no other "$" (as a filter could).
func (t *tpath) readsOnly(root string) bool {
	if t.p.IsContext() {
		return true
	}
	rest, ok := strings.CutPrefix(t.p.String(), "$."+root)
	return ok && !strings.Contains(rest, "$") && (rest == "" || rest[0] == '.' || rest[0] == '[')
}

// readsOnly is false: the arguments of a call are not analysed.
func (*tcall) readsOnly(string) bool { return false }

func (t *tobject) eval(in any, sc *stateCtx) (any, error) {
	out := make(map[string]any, len(t.fields))
	for _, f := range t.fields {
		v, err := f.node.eval(in, sc)
		if err != nil {
			return nil, err
		}
		out[f.key] = v
	}
	return out, nil
}

func (t *tarray) eval(in any, sc *stateCtx) (any, error) {
	out := make([]any, len(t.elems))
	for i, e := range t.elems {
		v, err := e.eval(in, sc)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (t *tpath) eval(in any, sc *stateCtx) (any, error) {
	v, err := sc.lookup(t.p, in)
	if err == nil {
		return v, nil
	}
	where := in
	if t.p.IsContext() {
		where = sc.contextObject()
	}
	if errors.Is(err, jsonpath.ErrNoMatch) {
		return nil, sc.runtimef("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", t.p.String(), t.field, jsonText(where))
	}
	return nil, sc.runtimef("The JSONPath '%s' specified for the field '%s' could not be evaluated: %v", t.p.String(), t.field, err)
}

func (t *tcall) eval(in any, sc *stateCtx) (any, error) {
	v, err := t.e.Eval(in, sc.contextObject(), sc.intrinsicEnv())
	if err != nil {
		var ie *intrinsic.Error
		if errors.As(err, &ie) {
			return nil, sc.runtimef("%s", ie.Message)
		}
		return nil, sc.runtimef("%s", fmt.Sprint(err))
	}
	return v, nil
}
