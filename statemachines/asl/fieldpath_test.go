package asl

import (
	"strings"
	"testing"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
)

// fieldPathValues are documents the field paths below walk.
var fieldPathValues = []string{
	`{"id":7,"f":1.0,"big":12345678901234567890,"o":{"n":2.50,"a":[3.0,{"b":1}],"e":{}},"tags":[4.0,"x"],"none":[],"one":["s"],"nul":null,"s":"str","t":true}`,
	`[1,{"id":2}]`, `null`, `"text"`, `-0.0`, `{"o":[{"n":1},{"n":2}]}`,
}

// checkFieldPath compares the interpreter's walk of src with the
// evaluator's on input (as $states.input) and on v (as $v).
func checkFieldPath(t *testing.T, src string, input, v any) {
	t.Helper()
	x := (&loader{}).expression("", "Output", "{% "+src+" %}")
	if x == nil || x.path == nil {
		t.Fatalf("%s is not a field path", src)
	}
	sc := &stateCtx{fr: &frame{vars: newScope(nil)}}
	sc.fr.vars.seed(map[string]any{"v": v})
	states := map[string]any{"input": input}
	got, ok := x.path.eval(sc, states)
	if !ok {
		return // the evaluator decides
	}
	want, err := x.e.Evaluate(nil, map[string]any{"states": states, "v": v})
	if err != nil {
		t.Fatalf("%s: the evaluator failed (%v) where the walk gave %s", src, err, jsonText(got))
	}
	if (got == jsonata.Undefined) != (want == jsonata.Undefined) {
		t.Fatalf("%s: walk %v, evaluator %v", src, got, want)
	}
	if got != jsonata.Undefined && jsonText(got) != jsonText(jsonValueOf(want)) {
		t.Fatalf("%s: walk %s, evaluator %s", src, jsonText(got), jsonText(jsonValueOf(want)))
	}
}

// jsonValueOf converts an evaluator result as the interpreter does.
func jsonValueOf(v any) any { return jsonvalue.Numbers(v) }

func TestFieldPathMatchesEvaluator(t *testing.T) {
	paths := []string{
		"$states.input", "$states.input.id", "$states.input.f", "$states.input.big", "$states.input.o", "$states.input.o.n",
		"$states.input.o.a", "$states.input.o.e", "$states.input.tags", "$states.input.none", "$states.input.one",
		"$states.input.nul", "$states.input.nul.x", "$states.input.s.x", "$states.input.nope", "$states.input.o.a.b",
		"$states.input.id", "$v", "$v.id", "$v.o.n", "$v.missing",
	}
	for _, text := range fieldPathValues {
		doc := mustDecode(t, text)
		for _, p := range paths {
			checkFieldPath(t, p, doc, doc)
		}
	}
}

func TestParseFieldPath(t *testing.T) {
	vars := []string{"v", "order"}
	for src, want := range map[string]bool{
		"$states.input": true, "$states.result.Payload.x": true, "$states.errorOutput.Cause": true, "$states.context.Map.Item.Value": true,
		"$v": true, "$order.total": true, "$v._a1": true,
		"$states": false, "$states.other": false, "$w.x": false, "$sum": false, "$v.a b": false, "$v.1a": false,
		"$v[0]": false, "$v.`a b`": false, "$v.a.": false, "$v.*": false, " $v": false, "$v.a-b": false,
	} {
		if got := parseFieldPath(src, vars) != nil; got != want {
			t.Errorf("parseFieldPath(%q) = %v, want %v", src, got, want)
		}
	}
}

// mustDecode decodes a JSON text as the interpreter does.
func mustDecode(t testing.TB, text string) any {
	t.Helper()
	v, err := decodeJSON([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzFieldPath checks the interpreter's walk of a field path against the
// evaluator on any document.
func FuzzFieldPath(f *testing.F) {
	for _, v := range fieldPathValues {
		f.Add(v, "o.a")
		f.Add(v, "id")
	}
	f.Fuzz(func(t *testing.T, doc, names string) {
		v, err := decodeJSON([]byte(doc))
		if err != nil || strings.ContainsAny(names, " \t\n`[]") {
			return
		}
		src := "$states.input"
		if names != "" {
			src += "." + names
		}
		if parseFieldPath(src, nil) == nil {
			return
		}
		checkFieldPath(t, src, v, v)
	})
}

func TestReadsContext(t *testing.T) {
	for src, want := range map[string]bool{
		"$states.input.a": false, "$states.result + $states.errorOutput.Error": false, "$states . input": false,
		"$states.context.Execution.Id": true, "$states": true, "$keys($states)": true, "$states.*": true,
		"$lookup($states, 'con' & 'text')": true, "'$states'": true, "$states.inputs": true, "1 + 1": false,
	} {
		if got := readsContext(src); got != want {
			t.Errorf("readsContext(%q) = %v, want %v", src, got, want)
		}
	}
}
