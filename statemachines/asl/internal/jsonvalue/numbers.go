package jsonvalue

import (
	"encoding/json"
	"math"
	"strconv"
)

// Numbers returns v with every number in it spelled as a float64 is
// written: a float64 becomes that json.Number, and a json.Number is read
// as a float64 and written again, so that 1.0 is 1. This is the number
// model of JSONata, whose results it turns into values that hold the same
// types as a decoded one. As JSON.stringify does, -0 becomes 0, and a NaN
// or an infinity, which JSON cannot write, becomes the string "NaN",
// "Infinity" or "-Infinity". Arrays and objects on the way to a changed
// number are copied, never changed, and v itself is returned when no
// number changes.
func Numbers(v any) any {
	out, _ := rewrite(v, number)
	return out
}

// number respells one number.
func number(v any) (any, bool) {
	switch t := v.(type) {
	case float64:
		return floatNumber(t), true
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return v, false
		}
		n := floatNumber(f)
		return n, n != t
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
