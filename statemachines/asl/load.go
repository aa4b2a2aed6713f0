package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// loader collects the problems found while loading a definition.
type loader struct {
	problems []Problem
	jsonata  bool // the machine's query language is JSONata
}

// addf records a problem at loc.
func (l *loader) addf(loc, format string, args ...any) {
	l.addCodef(ProblemSchema, loc, format, args...)
}

// addCodef records a problem of a given code at loc.
func (l *loader) addCodef(code, loc, format string, args ...any) {
	l.problems = append(l.problems, Problem{Location: loc, Message: fmt.Sprintf(format, args...), Code: code})
}

// err returns a *LoadError when problems were found.
func (l *loader) err() error {
	if len(l.problems) == 0 {
		return nil
	}
	sort.SliceStable(l.problems, func(i, j int) bool { return l.problems[i].Location < l.problems[j].Location })
	return &LoadError{Problems: l.problems}
}

// pointer appends a JSON Pointer token to loc.
func pointer(loc string, token any) string {
	s := fmt.Sprint(token)
	s = strings.ReplaceAll(s, "~", "~0")
	s = strings.ReplaceAll(s, "/", "~1")
	return loc + "/" + s
}

// obj reads typed fields from a JSON object, recording problems at their
// JSON locations.
type obj struct {
	l       *loader
	loc     string
	m       map[string]any
	jsonata bool // the object is a state, or part of one, in JSONata
}

// asObj checks that v is an object.
func (l *loader) asObj(loc string, v any) (obj, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		l.addf(loc, "must be an object, not %s", jsontype.Name(v))
		return obj{l: l, loc: loc, m: map[string]any{}}, false
	}
	return obj{l: l, loc: loc, m: m}, true
}

// at returns the location of field k.
func (o obj) at(k string) string { return pointer(o.loc, k) }

// has reports whether field k is present.
func (o obj) has(k string) bool { _, ok := o.m[k]; return ok }

// allow records a problem for each field not in fields.
func (o obj) allow(what string, fields ...string) {
	for k := range o.m {
		found := false
		for _, f := range fields {
			if k == f {
				found = true
				break
			}
		}
		if !found {
			o.l.addf(o.at(k), "field %q is not supported in %s", k, what)
		}
	}
}

// str reads a string field; required fields must be present.
func (o obj) str(k string, required bool) string {
	v, ok := o.m[k]
	if !ok {
		if required {
			o.l.addf(o.loc, "missing required field %q", k)
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		o.l.addf(o.at(k), "must be a string, not %s", jsontype.Name(v))
	}
	return s
}

// boolean reads an optional boolean field.
func (o obj) boolean(k string) bool {
	v, ok := o.m[k]
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		o.l.addf(o.at(k), "must be a boolean, not %s", jsontype.Name(v))
	}
	return b
}

// integer reads an optional integer field of at least min.
func (o obj) integer(k string, min int64) (int64, bool) {
	v, ok := o.m[k]
	if !ok {
		return 0, false
	}
	n, isNum := v.(json.Number)
	i, err := n.Int64()
	switch {
	case !isNum:
		o.l.addf(o.at(k), "must be an integer, not %s", jsontype.Name(v))
		return 0, false
	case err != nil:
		o.l.addf(o.at(k), "must be an integer, not %s", n)
		return 0, false
	case i < min:
		o.l.addf(o.at(k), "must be at least %d, not %d", min, i)
		return 0, false
	}
	return i, true
}

// number reads an optional finite number field.
func (o obj) number(k string) (float64, bool) {
	v, ok := o.m[k]
	if !ok {
		return 0, false
	}
	n, isNum := v.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		o.l.addf(o.at(k), "must be a number, not %s", jsontype.Name(v))
		return 0, false
	}
	return f, true
}

// path compiles an optional JSONPath field. A null value is reported through
// optPath.null when nullable.
func (o obj) path(k string, nullable, reference bool) optPath {
	v, ok := o.m[k]
	if !ok {
		return optPath{}
	}
	if v == nil {
		if !nullable {
			o.l.addf(o.at(k), "must be a JSONPath, not null")
		}
		return optPath{set: true, null: true}
	}
	s, isStr := v.(string)
	if !isStr {
		o.l.addf(o.at(k), "must be a JSONPath string, not %s", jsontype.Name(v))
		return optPath{}
	}
	p := o.l.compilePath(o.at(k), s, reference)
	if p == nil {
		return optPath{}
	}
	return optPath{set: true, p: p}
}

// compilePath compiles a JSONPath, recording a problem when it is malformed
// or, for reference paths, when it is not a plain reference into the input.
func (l *loader) compilePath(loc, s string, reference bool) *jsonpath.Path {
	p, err := jsonpath.Compile(s)
	if err != nil {
		l.addf(loc, "invalid JSONPath %q: %v", s, err)
		return nil
	}
	if reference && (p.IsContext() || !p.IsReference()) {
		l.addf(loc, "%q must be a reference path (only fields and indexes into the input)", s)
		return nil
	}
	return p
}

// strings reads a required non-empty array of strings.
func (o obj) strings(k string) []string {
	v, ok := o.m[k]
	if !ok {
		o.l.addf(o.loc, "missing required field %q", k)
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr || len(arr) == 0 {
		o.l.addf(o.at(k), "must be a non-empty array of strings")
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			o.l.addf(pointer(o.at(k), i), "must be a string, not %s", jsontype.Name(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

// optPath is an optional path field: absent, explicitly null, or a path.
type optPath struct {
	set  bool
	null bool
	p    *jsonpath.Path
}
