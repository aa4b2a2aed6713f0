package jsonpath

import (
	"maps"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// Set returns a copy of root with value placed at the path, the way AWS
// applies a ResultPath. "$" replaces root entirely. Missing objects along
// the path are created; the values on the path are copied, so root itself
// is never modified (untouched siblings are shared, not deep-copied).
//
// The path must be a reference path on the input ("$", not "$$" or a
// variable). Set fails
// with an error matching [ErrCannotSet] when the path crosses a value that
// is not an object (or, for an index, not an array holding that index).
//
// A raw JSON text on the path is opened one level at a time; what the path
// does not go through stays raw.
func (p *Path) Set(root, value any) (any, error) {
	if p.context {
		return nil, &SetError{Path: p.expr, Reason: "the context object cannot be written"}
	}
	if p.variable != "" {
		return nil, &SetError{Path: p.expr, Reason: "a variable cannot be written through a path"}
	}
	if !p.IsReference() {
		return nil, &SetError{Path: p.expr, Reason: "only reference paths can be written"}
	}
	return p.setAt(0, root, true, value)
}

// setAt writes value below cur at steps[i:]. present says whether cur exists
// in its parent (a missing object is created).
func (p *Path) setAt(i int, cur any, present bool, value any) (any, error) {
	if i == len(p.steps) {
		return value, nil
	}
	s := p.steps[i]
	if s.kind == kindIndex {
		return p.setIndex(i, cur, value)
	}
	if r, ok := cur.(jsonvalue.Raw); ok {
		cur = r.Shallow()
	}
	var m map[string]any
	switch t := cur.(type) {
	case map[string]any:
		m = maps.Clone(t)
	default:
		if present {
			return nil, &SetError{Path: p.expr, Reason: p.normalized(i) + " is not an object"}
		}
		m = map[string]any{}
	}
	child, ok := m[s.names[0]]
	v, err := p.setAt(i+1, child, ok, value)
	if err != nil {
		return nil, err
	}
	m[s.names[0]] = v
	return m, nil
}

// setIndex writes value below the array element that steps[i] names.
func (p *Path) setIndex(i int, cur, value any) (any, error) {
	if r, ok := cur.(jsonvalue.Raw); ok {
		cur = r.Shallow()
	}
	a, ok := cur.([]any)
	if !ok {
		return nil, &SetError{Path: p.expr, Reason: p.normalized(i) + " is not an array"}
	}
	j, ok := resolveIndex(p.steps[i].indexes[0], len(a))
	if !ok {
		return nil, &SetError{Path: p.expr, Reason: "index out of bounds in " + p.normalized(i+1)}
	}
	out := make([]any, len(a))
	copy(out, a)
	v, err := p.setAt(i+1, a[j], true, value)
	if err != nil {
		return nil, err
	}
	out[j] = v
	return out, nil
}
