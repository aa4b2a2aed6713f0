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
	out, _ := rewrite(v, expandRaw)
	return out
}

// expandRaw decodes a Raw.
func expandRaw(v any) (any, bool) {
	r, ok := v.(Raw)
	if !ok {
		return v, false
	}
	d, err := Decode(r)
	if err != nil {
		return nil, true
	}
	return d, true
}

// rewrite returns v with leaf applied to every value in it that is not an
// array or object, and whether that changed anything: leaf reports
// whether it changed its value. Arrays and objects on the way to a
// changed value are copied, never changed.
func rewrite(v any, leaf func(any) (any, bool)) (any, bool) {
	switch t := v.(type) {
	case []any:
		var out []any
		for i, e := range t {
			if x, changed := rewrite(e, leaf); changed {
				if out == nil {
					out = slices.Clone(t)
				}
				out[i] = x
			}
		}
		if out == nil {
			return v, false // v, not t: boxing t again would allocate
		}
		return out, true
	case map[string]any:
		var out map[string]any
		for k, e := range t {
			if x, changed := rewrite(e, leaf); changed {
				if out == nil {
					out = maps.Clone(t)
				}
				out[k] = x
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return leaf(v)
}
