package jsonvalue

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
)

// Numbers returns v with every float64 in it turned into the json.Number
// that Append writes for it, so that a value computed as floats (a JSONata
// result) holds the same types as a decoded one. As JSON.stringify does,
// -0 becomes 0, and a NaN or an infinity, which JSON cannot write, becomes
// the string "NaN", "Infinity" or "-Infinity". Arrays and objects on the
// way to a float are copied, never changed, and v itself is returned when
// it holds none.
func Numbers(v any) any {
	out, _ := numbers(v)
	return out
}

// numbers returns v converted, and whether that changed anything.
func numbers(v any) (any, bool) {
	switch t := v.(type) {
	case float64:
		return floatNumber(t), true
	case []any:
		var out []any
		for i, e := range t {
			if x, changed := numbers(e); changed {
				if out == nil {
					out = slices.Clone(t)
				}
				out[i] = x
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	case map[string]any:
		var out map[string]any
		for k, e := range t {
			if x, changed := numbers(e); changed {
				if out == nil {
					out = maps.Clone(t)
				}
				out[k] = x
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	}
	return v, false
}

// floatNumber converts one float.
func floatNumber(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return json.Number("0")
	}
	b, _ := appendFloat(nil, f)
	return json.Number(b)
}
