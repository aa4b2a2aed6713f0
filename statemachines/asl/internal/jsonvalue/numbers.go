package jsonvalue

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
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
		if plainInteger(string(t)) {
			return v, false
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return v, false
		}
		n := floatNumber(f)
		return n, n != t
	}
	return v, false
}

// plainInteger reports whether s is an integer that a float64 holds
// exactly and writes the same way: no sign but a minus, no leading zero,
// no fraction or exponent, at most 15 digits, and not -0.
func plainInteger(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 15 || digits[0] == '0' && (len(digits) > 1 || s[0] == '-') {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
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
