package jsonpath

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// Get evaluates the path against input (for "$") or context (for "$$").
// A path on a workflow variable ("$name...") is evaluated against input,
// which the caller sets to the variable's value.
//
// A definite path returns the single value it selects, or an error that
// matches [ErrNoMatch] when it selects nothing. An indefinite path returns
// a non-nil []any holding every match in document order, which is empty
// when nothing matches; this is what AWS passes on, e.g. "$.items[1:]" on
// {} gives []. A hostile path whose matches multiply past a million fails
// with an error matching [ErrTooManyMatches].
//
// A definite path reads into the raw JSON texts the interpreter may hold
// without decoding them, and may return one; an indefinite path, whose
// filters and wildcards inspect values, runs on the document with every
// raw text decoded (see the package documentation).
func (p *Path) Get(input, context any) (any, error) {
	root := input
	if p.context {
		root = context
	}
	if p.IsDefinite() {
		return p.getDefinite(root)
	}
	return p.getAll(jsonvalue.Expand(root))
}

// getDefinite walks a definite path and explains the first miss in Jayway's
// words.
func (p *Path) getDefinite(root any) (any, error) {
	cur := root
	for i, s := range p.steps {
		next, ok := s.single(cur)
		if !ok {
			return nil, p.missError(i, cur)
		}
		cur = next
	}
	return cur, nil
}

// missError explains why steps[i] selects nothing from cur.
func (p *Path) missError(i int, cur any) error {
	cur = jsonvalue.Expand(cur)
	msg := "No results for path: " + p.normalized(len(p.steps))
	s := p.steps[i]
	switch {
	case s.kind == kindField && i < len(p.steps)-1 && isObject(cur):
		msg = "Missing property in path " + p.normalized(i+1)
	case s.kind == kindField && !isObject(cur):
		msg = "Expected to find an object with property " + s.String() +
			" in path " + p.normalized(i) + " but found '" + javaType(cur) +
			"'. This is not a json object according to the JsonProvider."
	case s.kind == kindIndex && !isArray(cur):
		msg = "Filter: " + s.String() + " can only be applied to arrays. Current context is: " + compact(cur)
	}
	return &MatchError{Path: p.expr, Message: msg}
}

// single applies a reference-style step (one name, one index, or a function)
// to v.
func (s step) single(v any) (any, bool) {
	if r, ok := v.(jsonvalue.Raw); ok {
		return s.singleRaw(r)
	}
	switch s.kind {
	case kindField:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if len(s.names) > 1 {
			return mergeFields(m, s.names), true
		}
		r, ok := m[s.names[0]]
		return r, ok
	case kindIndex:
		a, ok := v.([]any)
		if !ok {
			return nil, false
		}
		i, ok := resolveIndex(s.indexes[0], len(a))
		if !ok {
			return nil, false
		}
		return a[i], true
	case kindFunc:
		return length(v)
	}
	return nil, false
}

// singleRaw is single on a raw JSON text: one name or index is read from
// the text, and a union of names or a function opens its top level.
func (s step) singleRaw(r jsonvalue.Raw) (any, bool) {
	switch {
	case s.kind == kindField && len(s.names) == 1:
		return r.Member(s.names[0])
	case s.kind == kindIndex:
		i := s.indexes[0]
		if i < 0 {
			i += r.Count()
		}
		return r.Index(i)
	case s.kind == kindFunc:
		return json.Number(strconv.Itoa(r.Count())), true
	}
	return s.single(r.Shallow())
}

// resolveIndex maps a possibly negative index onto [0,n).
func resolveIndex(i, n int) (int, bool) {
	if i < 0 {
		i += n
	}
	return i, i >= 0 && i < n
}

// length implements the length() function for arrays and objects.
func length(v any) (any, bool) {
	switch t := v.(type) {
	case []any:
		return json.Number(strconv.Itoa(len(t))), true
	case map[string]any:
		return json.Number(strconv.Itoa(len(t))), true
	}
	return nil, false
}

// maxMatches bounds the matches an indefinite path may collect. Unions
// and ".." can multiply matches at every step. Each match takes at least
// two bytes of JSON, so a result anywhere near this bound already exceeds
// the 256 KiB payload limit of Step Functions.
const maxMatches = 1 << 18

// getAll evaluates an indefinite path and returns every match. It gives up
// with an error matching ErrTooManyMatches past maxMatches.
func (p *Path) getAll(root any) ([]any, error) {
	cur := []any{root}
	for i, s := range p.steps {
		var next []any
		for _, v := range cur {
			next = s.apply(v, root, i == len(p.steps)-1, next)
			if len(next) > maxMatches {
				return nil, &MatchError{Path: p.expr, Message: "too many results for path: " + p.expr, tooMany: true}
			}
		}
		cur = next
	}
	if cur == nil {
		cur = []any{}
	}
	return cur, nil
}

// apply appends the values that step s selects from v to out.
func (s step) apply(v, root any, leaf bool, out []any) []any {
	if s.descent {
		flat := s
		flat.descent = false
		return descend(v, func(n any, acc []any) []any {
			return flat.apply(n, root, leaf, acc)
		}, out)
	}
	switch s.kind {
	case kindField:
		return s.applyFields(v, leaf, out)
	case kindIndex:
		return s.applyIndexes(v, out)
	case kindWildcard:
		return appendChildren(v, out)
	case kindSlice:
		return s.applySlice(v, out)
	case kindFilter:
		return s.applyFilter(v, root, out)
	default:
		if r, ok := length(v); ok {
			out = append(out, r)
		}
		return out
	}
}

// applyFields selects named fields. As in Jayway, a union of names in the
// last step yields one object holding the fields that exist.
func (s step) applyFields(v any, leaf bool, out []any) []any {
	m, ok := v.(map[string]any)
	if !ok {
		return out
	}
	if leaf && len(s.names) > 1 {
		return append(out, mergeFields(m, s.names))
	}
	for _, n := range s.names {
		if r, ok := m[n]; ok {
			out = append(out, r)
		}
	}
	return out
}

// mergeFields returns an object holding those of names that m has.
func mergeFields(m map[string]any, names []string) map[string]any {
	merged := map[string]any{}
	for _, n := range names {
		if r, ok := m[n]; ok {
			merged[n] = r
		}
	}
	return merged
}

func (s step) applyIndexes(v any, out []any) []any {
	a, ok := v.([]any)
	if !ok {
		return out
	}
	for _, i := range s.indexes {
		if j, ok := resolveIndex(i, len(a)); ok {
			out = append(out, a[j])
		}
	}
	return out
}

// applySlice follows Jayway: [from:] and [:to] accept negative bounds
// counted from the end; [from:to] clamps to to the array length.
func (s step) applySlice(v any, out []any) []any {
	a, ok := v.([]any)
	if !ok {
		return out
	}
	lo, hi := s.slice.bounds(len(a))
	for i := lo; i < hi; i++ {
		out = append(out, a[i])
	}
	return out
}

func (s sliceSpec) bounds(n int) (int, int) {
	lo, hi := 0, n
	if s.from != nil {
		lo = *s.from
		if lo < 0 {
			lo += n
		}
	}
	if s.to != nil {
		hi = *s.to
		if hi < 0 {
			hi += n
		}
	}
	lo = max(lo, 0)
	hi = min(hi, n)
	return lo, hi
}

// appendChildren appends the elements of an array or the values of an
// object (in key order, since Go maps keep no order).
func appendChildren(v any, out []any) []any {
	switch t := v.(type) {
	case []any:
		return append(out, t...)
	case map[string]any:
		for _, k := range sortedKeys(t) {
			out = append(out, t[k])
		}
	}
	return out
}

// descend visits v and then every value below it, depth first.
func descend(v any, visit func(any, []any) []any, out []any) []any {
	out = visit(v, out)
	switch t := v.(type) {
	case []any:
		for _, c := range t {
			out = descend(c, visit, out)
		}
	case map[string]any:
		for _, k := range sortedKeys(t) {
			out = descend(t[k], visit, out)
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }
func isArray(v any) bool  { _, ok := v.([]any); return ok }

// javaType names the Java class Jayway reports for a JSON value.
func javaType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "java.lang.Boolean"
	case json.Number:
		return "java.lang.Integer"
	case string:
		return "java.lang.String"
	case []any:
		return "java.util.ArrayList"
	}
	return "java.util.LinkedHashMap"
}

// compact renders v as compact JSON, or "null" when it cannot.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}
