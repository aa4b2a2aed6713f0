package jsonata

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustCompile(t *testing.T, expr string) *Expression {
	t.Helper()
	e, err := Compile(expr)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	return e
}

func decodeNumbers(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// errorCode evaluates and returns the JSONata error code it fails with.
func errorCode(t *testing.T, expr string, input any, opts ...Option) string {
	t.Helper()
	_, err := mustCompile(t, expr).Evaluate(input, nil, opts...)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: want a *jsonata.Error, got %v", expr, err)
	}
	return e.Code
}

func TestEvaluateJSONModel(t *testing.T) {
	input := decodeNumbers(t, `{"a":{"b":[1,2.5,3]},"n":7,"s":"x"}`)
	cases := []struct {
		expr string
		want any
	}{
		{`a.b`, []any{1.0, 2.5, 3.0}},
		{`$sum(a.b) + n`, 13.5},
		{`{"s": s, "list": a.b[[0,2]]}`, map[string]any{"s": "x", "list": []any{1.0, 3.0}}},
		{`n > 5 and s = "x"`, true},
		{`$count($states.items)`, 3.0},
	}
	bindings := map[string]any{"states": map[string]any{"items": []any{int64(1), 2, json.Number("3")}}}
	for _, c := range cases {
		got, err := mustCompile(t, c.expr).Evaluate(input, bindings)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.expr, got, c.want)
		}
	}
}

func TestUndefined(t *testing.T) {
	for _, expr := range []string{`missing`, `a.missing`, `$nothing`, `[]`} {
		got, err := mustCompile(t, expr).Evaluate(map[string]any{"a": map[string]any{}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if expr == `[]` {
			if !reflect.DeepEqual(got, []any{}) {
				t.Errorf("[] = %#v", got)
			}
			continue
		}
		if got != Undefined {
			t.Errorf("%s = %#v, want Undefined", expr, got)
		}
	}
}

func TestWithFunctions(t *testing.T) {
	partition := Function{Name: "partition", Signature: "<an:a>", Call: func(args []any) (any, error) {
		items, size := args[0].([]any), int(args[1].(float64))
		var out []any
		for i := 0; i < len(items); i += size {
			out = append(out, items[i:min(i+size, len(items))])
		}
		return out, nil
	}}
	failing := Function{Name: "fail", Call: func(args []any) (any, error) {
		return nil, &Error{Code: "X0001", Message: "failed on purpose"}
	}}
	e := mustCompile(t, `$partition([1,2,3,4,5], 2)`)
	got, err := e.Evaluate(nil, nil, WithFunctions(partition, failing))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{[]any{1.0, 2.0}, []any{3.0, 4.0}, []any{5.0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if code := errorCode(t, `$partition([1], "x")`, nil, WithFunctions(partition)); code != "T0410" {
		t.Errorf("bad argument: code %s, want T0410", code)
	}
	if code := errorCode(t, `$fail()`, nil, WithFunctions(failing)); code != "X0001" {
		t.Errorf("failing function: code %s, want X0001", code)
	}
	// a replaced built-in
	upper := Function{Name: "uppercase", Signature: "<s:s>", Call: func(args []any) (any, error) { return "replaced", nil }}
	got, err = mustCompile(t, `$uppercase("a")`).Evaluate(nil, nil, WithFunctions(upper))
	if err != nil || got != "replaced" {
		t.Errorf("replaced built-in: %v, %v", got, err)
	}
}

func TestWithoutFunctions(t *testing.T) {
	if code := errorCode(t, `$eval("1 + 1")`, nil, WithoutFunctions("eval")); code != "T1006" {
		t.Errorf("removed $eval: code %s, want T1006", code)
	}
	got, err := mustCompile(t, `$eval("1 + 1")`).Evaluate(nil, nil)
	if err != nil || got != 2.0 {
		t.Errorf("$eval without the option: %v, %v", got, err)
	}
}

func TestLimits(t *testing.T) {
	recursive := `($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))`
	if code := errorCode(t, recursive, nil, WithLimits(500, time.Second)); code != "U1001" {
		t.Errorf("depth limit: code %s, want U1001", code)
	}
	// with no limit given, the default depth still stops runaway recursion,
	// and no limit lets it exhaust the stack
	if code := errorCode(t, recursive, nil); code != "U1001" {
		t.Errorf("default depth: code %s, want U1001", code)
	}
	endless := `($f := function($n) { 1 + $f($n + 1) }; $f(0))`
	if code := errorCode(t, endless, nil, WithLimits(1<<30, 0)); code != "U1001" {
		t.Errorf("a depth limit past the cap: code %s, want U1001", code)
	}
	// an endless tail recursion ends only by the time limit
	if code := errorCode(t, `($f := function() { $f() }; $f())`, nil, WithLimits(0, 50*time.Millisecond)); code != "U1001" {
		t.Errorf("time limit: code %s, want U1001", code)
	}
	// tail recursion runs in constant depth
	got, err := mustCompile(t, `($f := function($n, $acc) { $n = 0 ? $acc : $f($n - 1, $acc + 1) }; $f(5000, 0))`).
		Evaluate(nil, nil, WithLimits(100, 0))
	if err != nil || got != 5000.0 {
		t.Errorf("tail recursion: %v, %v", got, err)
	}
}

func TestFreeVariables(t *testing.T) {
	cases := []struct {
		expr string
		want []string
	}{
		{`$states.input.a + $other`, []string{"states", "other"}},
		{`($x := 1; $x + $y)`, []string{"y"}},
		{`function($a) { $a + $b }`, []string{"b"}},
		{`$sum($items) & $string($now())`, []string{"items"}},
		{`orders@$o.items#$i.{"o": $o, "i": $i, "z": $z}`, []string{"z"}},
		{`$ + $$`, nil},
	}
	for _, c := range cases {
		got := mustCompile(t, c.expr).FreeVariables()
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("FreeVariables(%s) = %q, want %q", c.expr, got, c.want)
		}
	}
}

func TestOrderedObjects(t *testing.T) {
	e := mustCompile(t, `{"b": 1, "a": {"z": 2, "y": 3}, "2": 0, "1": 0}`)
	got, err := e.Evaluate(nil, nil, WithOrderedObjects())
	if err != nil {
		t.Fatal(err)
	}
	o, ok := got.(*Object)
	if !ok {
		t.Fatalf("got %T, want *Object", got)
	}
	text, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"1":0,"2":0,"b":1,"a":{"z":2,"y":3}}`; string(text) != want {
		t.Errorf("ordered result %s, want %s", text, want)
	}
}

func TestDecodeJSON(t *testing.T) {
	v, err := DecodeJSON([]byte(`{"zeta": 1, "alpha": [true, null, "\u00e9"], "mid": {"b": 2, "a": 1}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := mustCompile(t, `$string($) & " " & $join($keys($), ",")`).Evaluate(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"zeta":1,"alpha":[true,null,"é"],"mid":{"b":2,"a":1}} zeta,alpha,mid`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, bad := range []string{`{"a":}`, `[1,2`, `tru`, `"x`, `{} x`} {
		if _, err := DecodeJSON([]byte(bad)); err == nil {
			t.Errorf("DecodeJSON(%q) accepted it", bad)
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := Compile(`1 +`)
	var e *Error
	if !errors.As(err, &e) || e.Code != "S0207" {
		t.Fatalf("syntax error: %v", err)
	}
	_, err = mustCompile(t, `"a" + 1`).Evaluate(nil, nil)
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	if e.Code != "T2001" || e.Token != "+" || e.Position != 5 || e.Value != "a" {
		t.Errorf("got %+v", e)
	}
	if want := `T2001: The left side of the "+" operator must evaluate to a number`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	_, err = Compile(`$match("a", /(?=a)/)`)
	if !errors.As(err, &e) || e.Code != "S0303" {
		t.Errorf("lookahead, which RE2 lacks: %v", err)
	}
}

func TestConcurrentEvaluation(t *testing.T) {
	e := mustCompile(t, `($total := $sum(items.(price * qty)); {"total": $total, "n": $count(items)})`)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			input := map[string]any{"items": []any{
				map[string]any{"price": float64(g), "qty": 2.0},
				map[string]any{"price": 1.0, "qty": 1.0},
			}}
			for i := 0; i < 200; i++ {
				got, err := e.Evaluate(input, nil)
				want := map[string]any{"total": float64(2*g + 1), "n": 2.0}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("goroutine %d: %v, %v", g, got, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestSizeLimits(t *testing.T) {
	small := withMaxSizes(1<<10, 1<<10)
	cases := []string{
		`($f := function($s, $n) { $n = 0 ? $length($s) : $f($s & $s, $n - 1) }; $f("x", 40))`,
		`($f := function($a, $n) { $n = 0 ? $count($a) : $f($append($a, $a), $n - 1) }; $f([1], 40))`,
		`($f := function($a, $n) { $n = 0 ? $count($a) : $f([$a, $a], $n - 1) }; $f([1], 40))`,
		`$replace("aaaa", "a", $pad("", 1000, "b"))`,
	}
	for _, expr := range cases {
		if code := errorCode(t, expr, nil, small); code != "U1002" {
			t.Errorf("%s: code %s, want U1002", expr, code)
		}
	}
	// the real bound is checked before the string is built
	if code := errorCode(t, `$pad("x", 1e12)`, nil); code != "U1002" {
		t.Errorf("$pad to 1e12: code %s, want U1002", code)
	}
}

// TestRegexJavaScriptClasses holds \s, \S and . to their JavaScript
// meaning; the expected values are npm jsonata 2.0.6's.
func TestRegexJavaScriptClasses(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"$match(\"a\\rb a\\u00a0b a.b\", /a.b/).match", "[\"a\u00a0b\",\"a.b\"]"},
		{"$split(\"a\\u00a0b c\", /\\s/)", `["a","b","c"]`},
		{"$replace(\"x y\\u2003z\", /\\S+/, \"<$0>\")", "\"<x> <y>\u2003<z>\""},
		{"$contains(\"a\\u2028b\", /[\\s]/)", `true`},
	}
	for _, c := range cases {
		v, err := mustCompile(t, c.expr).Evaluate(nil, nil)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got, _ := stringifyJSON(norm(v)); got != c.want {
			t.Errorf("%s = %s, want %s", c.expr, got, c.want)
		}
	}
}
