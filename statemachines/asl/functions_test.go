package asl

import (
	"testing"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
)

// TestStepFunctionsFunctions runs the functions Step Functions adds to
// JSONata through the evaluator, as an expression calls them.
func TestStepFunctionsFunctions(t *testing.T) {
	m, err := New(mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`), WithUUIDs(func() string { return "u-1" }))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tests := []struct{ expr, want string }{ // want "" for undefined
		{`$partition([1,2,3], 2)`, `[[1,2],[3]]`},
		{`$partition([1,2,3], 2.9)`, `[[1,2],[3]]`},
		{`$partition([1,2,3], 5)`, `[[1,2,3]]`},
		{`$partition("a", 1)`, `[["a"]]`},
		{`$partition([], 1)`, ``},
		{`$partition([1], 0)`, ``},
		{`$range(1, 9, 2)`, `[1,3,5,7,9]`},
		{`$range(-1.7, 2, 1)`, `[-1,0,1,2]`},
		{`$range(5, 1, -2)`, `[5,3,1]`},
		{`$range(1, 9, 9)`, `1`},
		{`$range(1, 9, -1)`, ``},
		{`$range(1, 9, 0)`, ``},
		{`$range(1, 9)`, ``},
		{`$hash("input data", "SHA-1")`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{`$hash("input data")`, ``},
		{`$parse("[1, {\"a\": null}]")`, `[1,{"a":null}]`},
		{`$parse("-0")`, `0`},
		{`$uuid()`, `"u-1"`},
		{`$random(3) = $random(3)`, `true`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			x := (&loader{}).expression("", "Output", "{% "+tt.expr+" %}")
			v, err := x.e.Evaluate(nil, nil, m.jsonata.options(x)...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if v != jsonata.Undefined {
					t.Fatalf("got %v, want nothing", v)
				}
				return
			}
			if got := jsonText(jsonvalue.Numbers(v)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	for _, expr := range []string{`$hash("x", "SHA-3")`, `$parse("{")`, `$range(0, 1e9, 1)`, `$partition([1], "a")`, `$eval("1")`} {
		x := (&loader{}).expression("", "Output", "{% "+expr+" %}")
		if _, err := x.e.Evaluate(nil, nil, m.jsonata.options(x)...); err == nil {
			t.Errorf("%s: no error", expr)
		}
	}
}
