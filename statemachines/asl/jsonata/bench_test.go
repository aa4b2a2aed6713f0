package jsonata

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// benchStates is a $states binding as the interpreter builds it: the
// state input decoded with json.Number, and the context object.
func benchStates(b *testing.B) map[string]any {
	b.Helper()
	var input any
	d := json.NewDecoder(strings.NewReader(`{"id":"abc","name":"World","a":{"b":42},"items":[` +
		`{"price":1.5,"qty":1},{"price":2.5,"qty":2},{"price":3.5,"qty":3},{"price":4.5,"qty":4},{"price":5.5,"qty":5}]}`))
	d.UseNumber()
	if err := d.Decode(&input); err != nil {
		b.Fatal(err)
	}
	return map[string]any{"states": map[string]any{
		"input":   input,
		"context": map[string]any{"Execution": map[string]any{"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e"}},
	}}
}

// benchExpressions are typical Step Functions expressions.
func benchExpressions() []struct{ name, expr string } {
	return []struct{ name, expr string }{
		{"path", `$states.input.a.b`},
		{"object", `{"id": $states.input.id, "n": $states.input.a.b, "s": "x", "t": true, "u": $states.input.name}`},
		{"sum", `$sum($states.input.items.price)`},
		{"concat", `"Hello, " & $states.input.name & "!"`},
	}
}

func BenchmarkCompile(b *testing.B) {
	for _, c := range benchExpressions() {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compile(c.expr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	vars := benchStates(b)
	for _, c := range benchExpressions() {
		e, err := Compile(c.expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Evaluate(nil, vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluateWithFunctions evaluates as the interpreter does: with
// its own functions added and $eval removed, the options made once.
func BenchmarkEvaluateWithFunctions(b *testing.B) {
	vars := benchStates(b)
	opts := []Option{
		WithFunctions(Function{Name: "partition", Signature: "<an:a>", Call: func(args []any) (any, error) { return args[0], nil }},
			Function{Name: "uuid", Signature: "<:s>", Call: func(args []any) (any, error) { return "u", nil }}),
		WithoutFunctions("eval"),
		WithLimits(1000, time.Second),
	}
	e, err := Compile(`{"id": $states.input.id, "n": $states.input.a.b}`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(nil, vars, opts...); err != nil {
			b.Fatal(err)
		}
	}
}
