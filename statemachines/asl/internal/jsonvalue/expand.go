package jsonvalue

import (
	"maps"
	"slices"
)

// Expand returns v with every Raw in it decoded, so that code which asks
// whether a value is a map[string]any or a []any sees the value the Raw
// stands for; the result holds no Raw. Arrays and objects on the way to a
// Raw are copied, never changed, and v itself is returned when it holds
// no Raw. A Raw that is not valid JSON, which DecodeLazy never makes,
// expands to nil.
func Expand(v any) any {
	out, _ := expand(v)
	return out
}

// expand returns v expanded, and whether that changed anything.
func expand(v any) (any, bool) {
	switch t := v.(type) {
	case Raw:
		d, err := Decode(t)
		if err != nil {
			return nil, true
		}
		return d, true
	case []any:
		return expandArray(t)
	case map[string]any:
		return expandObject(t)
	}
	return v, false
}

// expandArray expands the elements of a, copying a if any changes.
func expandArray(a []any) (any, bool) {
	var out []any
	for i, e := range a {
		x, changed := expand(e)
		if !changed {
			continue
		}
		if out == nil {
			out = slices.Clone(a)
		}
		out[i] = x
	}
	if out == nil {
		return a, false
	}
	return out, true
}

// expandObject expands the values of m, copying m if any changes.
func expandObject(m map[string]any) (any, bool) {
	var out map[string]any
	for k, e := range m {
		x, changed := expand(e)
		if !changed {
			continue
		}
		if out == nil {
			out = maps.Clone(m)
		}
		out[k] = x
	}
	if out == nil {
		return m, false
	}
	return out, true
}
