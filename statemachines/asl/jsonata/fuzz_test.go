package jsonata

import (
	"errors"
	"testing"
	"time"
)

// fuzzInput is the document fuzzed expressions run on.
const fuzzInput = `{"name":"Fred","age":28,"tags":["a","b","c"],"address":{"city":"Winchester"},` +
	`"orders":[{"id":1,"price":10.5,"items":[{"sku":"x"}]},{"id":2,"price":3.25,"items":[]}],"nums":[3,1,2]}`

// FuzzEvaluate compiles and evaluates arbitrary expressions: neither may
// panic, every failure must be a *jsonata.Error, and evaluation must stop
// within its limits, recursion included. The stall bound is far above the
// 100ms limit because the machine may be slow (the race detector, a
// loaded host); a stall is an evaluation that ignores its limit.
func FuzzEvaluate(f *testing.F) {
	g := newExprGen(7)
	for i := 0; i < 200; i++ {
		f.Add(g.expr(1 + i%4))
	}
	input, err := DecodeJSON([]byte(fuzzInput))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := Compile(expr)
		if err != nil {
			var je *Error
			if !errors.As(err, &je) {
				t.Fatalf("Compile(%q): %T %v is not a *jsonata.Error", expr, err, err)
			}
			return
		}
		start := time.Now()
		_, err = e.Evaluate(input, map[string]any{"x": 1.0}, WithLimits(300, 100*time.Millisecond), withMaxSizes(1<<16, 1<<14))
		if d := time.Since(start); d > 30*time.Second {
			t.Fatalf("%q ran %v under a 100ms limit", expr, d)
		}
		var je *Error
		if err != nil && !errors.As(err, &je) {
			t.Fatalf("Evaluate(%q): %T %v is not a *jsonata.Error", expr, err, err)
		}
	})
}
