package intrinsic

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
)

// failf builds a runtime *Error.
func failf(format string, a ...any) error {
	return &Error{Message: fmt.Sprintf(format, a...)}
}

// argString returns args[i] as a string or a typed failure.
func argString(c *call, args []any, i int) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", failf("%s: argument %d must be a string, got %s", c.name, i+1, jsontype.Name(args[i]))
	}
	return s, nil
}

// argArray returns args[i] as an array or a typed failure.
func argArray(c *call, args []any, i int) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, failf("%s: argument %d must be an array, got %s", c.name, i+1, jsontype.Name(args[i]))
	}
	return a, nil
}

// argInt returns args[i] as an integer in int32 range; a number with a
// fractional part is rejected.
func argInt(c *call, args []any, i int) (int64, error) {
	n, ok := args[i].(json.Number)
	if !ok {
		return 0, failf("%s: argument %d must be an integer, got %s", c.name, i+1, jsontype.Name(args[i]))
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() || !r.Num().IsInt64() || outOfInt32(r.Num().Int64()) {
		return 0, failf("%s: argument %d must be an integer between %d and %d, got %s",
			c.name, i+1, math.MinInt32, math.MaxInt32, n)
	}
	return r.Num().Int64(), nil
}

// argTruncInt returns args[i], a number, truncated towards zero to an
// integer in the 32-bit range. States.MathRandom takes its bounds this
// way: AWS runs States.MathRandom(12.5, 44.51).
func argTruncInt(c *call, args []any, i int) (int64, error) {
	n, ok := args[i].(json.Number)
	if !ok {
		return 0, failf("%s: argument %d must be a number, got %s", c.name, i+1, jsontype.Name(args[i]))
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return 0, failf("%s: argument %d must be a number, got %s", c.name, i+1, n)
	}
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncated division
	if !q.IsInt64() || outOfInt32(q.Int64()) {
		return 0, failf("%s: argument %d must be between %d and %d, got %s",
			c.name, i+1, math.MinInt32, math.MaxInt32, n)
	}
	return q.Int64(), nil
}

func outOfInt32(v int64) bool { return v < math.MinInt32 || v > math.MaxInt32 }

// roundHalfUp rounds a number the way Java's Math.round does: halves go
// towards positive infinity (-1.5 becomes -1, 1.5 becomes 2).
func roundHalfUp(n json.Number) (int64, bool) {
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return 0, false
	}
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Div(r.Num(), r.Denom()) // Euclidean: floor for positive denominators
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// num formats an integer as a JSON number.
func num(v int64) json.Number { return json.Number(fmt.Sprint(v)) }

// equal compares two JSON values; numbers compare by value.
func equal(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		return ok && numbersEqual(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		return objectsEqual(x, b)
	}
	return reflect.DeepEqual(a, b)
}

func objectsEqual(x map[string]any, b any) bool {
	y, ok := b.(map[string]any)
	if !ok || len(x) != len(y) {
		return false
	}
	for k, v := range x {
		w, ok := y[k]
		if !ok || !equal(v, w) {
			return false
		}
	}
	return true
}

func numbersEqual(a, b json.Number) bool {
	x, ok1 := new(big.Rat).SetString(string(a))
	y, ok2 := new(big.Rat).SetString(string(b))
	if !ok1 || !ok2 {
		return a == b
	}
	return x.Cmp(y) == 0
}

// toJSON renders v as compact JSON without HTML escaping.
func toJSON(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// decodeJSON parses one JSON value with UseNumber and rejects trailing data.
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}
