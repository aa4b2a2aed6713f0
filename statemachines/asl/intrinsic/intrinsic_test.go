package intrinsic

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

const doc = `{"s": "a,b", "n": 3, "f": 2.5, "arr": [1, 2, 2, "x", {"k": 1}, {"k": 1}, null],
 "obj": {"b": 2, "a": [1, "t"]}, "odd key": "v", "t": true, "big": 3000000000,
 "tmpl": "{} and {}", "deep": true, "items": [{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]}`

var fixedEnv = Env{
	RandInt: func(lo, hi int64) int64 { return lo + (hi-lo)/2 },
	UUID:    func() string { return "00000000-0000-4000-8000-000000000000" },
}

func TestEval(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`States.Format('it\'s \{\} {} \\ {}', 'x', $.n)`, `"it's {} x \\ 3"`},
		{`States.Format('{}|{}|{}|{}', $.obj, $.arr, $.t, null)`, `"{a=[1, t], b=2}|[1, 2, 2, x, {k=1}, {k=1}, null]|true|null"`},
		{`States.Format('no placeholders')`, `"no placeholders"`},
		{`States.Format($.tmpl, 1, 'b')`, `"1 and b"`},
		{`States.Format('{}', $['odd key'])`, `"v"`},
		{`States.Format('{}', $$.Execution.Name)`, `"exec"`},
		{`States.Array(1, 'a', true, null, -2.5e3, $.obj.b, States.Array())`, `[1,"a",true,null,-2.5e3,2,[]]`},
		{`States.ArrayPartition($.arr, 3)`, `[[1,2,2],["x",{"k":1},{"k":1}],[null]]`},
		{`States.ArrayContains($.arr, 'x')`, `true`},
		{`States.ArrayContains($.arr, $.obj)`, `false`},
		{`States.ArrayRange(1, 9, 2)`, `[1,3,5,7,9]`},
		{`States.ArrayRange(5, 1, -2)`, `[5,3,1]`},
		{`States.ArrayRange(5, 1, 1)`, `[]`},
		{`States.ArrayLength(States.ArrayRange(0, 999, 1))`, `1000`},
		{`States.ArrayGetItem($.arr, 3)`, `"x"`},
		{`States.ArrayLength($.arr)`, `7`},
		{`States.ArrayUnique($.arr)`, `[1,2,"x",{"k":1},null]`},
		{`States.Base64Encode('Data to encode')`, `"RGF0YSB0byBlbmNvZGU="`},
		{`States.Base64Decode(States.Base64Encode('héllo'))`, `"héllo"`},
		{`States.Hash('input data', 'SHA-1')`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{`States.JsonMerge($.obj, States.StringToJson('{"b":3,"c":4}'), false)`, `{"a":[1,"t"],"b":3,"c":4}`},
		{`States.StringToJson('[1, {"a": null}]')`, `[1,{"a":null}]`},
		{`States.JsonToString($.obj)`, `"{\"a\":[1,\"t\"],\"b\":2}"`},
		{`States.JsonToString('<&>')`, `"\"<&>\""`},
		{`States.MathAdd($.n, -5)`, `-2`},
		{`States.MathAdd($.f, 0.5)`, `4`},
		{`States.MathRandom(10, 20)`, `15`},
		{`States.MathRandom(12.5, 44.51)`, `28`},
		{`States.MathRandom(-3.9, 3.9)`, `0`},
		{`States.StringSplit($.s, ',')`, `["a","b"]`},
		{`States.StringSplit('a1b2c', '12')`, `["a","b","c"]`},
		{`States.UUID()`, `"00000000-0000-4000-8000-000000000000"`},
		{`States.ArrayGetItem($.items[?(@.x == 2)].y, 0)`, `"b"`},
		{`States.ArrayLength($..k)`, `2`},
		{` States.Array( 1 , 2 ) `, `[1,2]`},
	}
	ctx := map[string]any{"Execution": map[string]any{"Name": "exec"}}
	for name, input := range inputs(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.expr, func(t *testing.T) {
				e, err := Compile(tt.expr)
				if err != nil {
					t.Fatalf("Compile: %v", err)
				}
				got, err := e.Eval(input, ctx, fixedEnv)
				if err != nil {
					t.Fatalf("Eval: %v", err)
				}
				jsontest.Equal(t, got, jsontest.Decode(t, []byte(tt.want)))
			})
		}
	}
}

// inputs returns doc decoded, and as the raw JSON text the interpreter
// keeps of a Lambda result, whole and opened one level: functions must see
// the same values in each.
func inputs(t *testing.T) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	v, err := jsonvalue.DecodeLazy(b.Bytes())
	raw, ok := v.(jsonvalue.Raw)
	if err != nil || !ok {
		t.Fatalf("DecodeLazy = %T, %v; want a Raw", v, err)
	}
	return map[string]any{"decoded": jsontest.Decode(t, []byte(doc)), "raw": raw, "raw members": raw.Shallow()}
}

func TestEvalFailures(t *testing.T) {
	tests := []struct{ expr, contains string }{
		{`States.Format($.tmpl, 1)`, "placeholder"},
		{`States.Format($.n)`, "must be a string"},
		{`States.StringToJson('{')`, "not valid JSON"},
		{`States.StringToJson('1 2')`, "not valid JSON"},
		{`States.StringToJson($.n)`, "must be a string"},
		{`States.JsonMerge($.obj, $.obj, $.deep)`, "deep merging is not supported"},
		{`States.JsonMerge($.obj, $.arr, false)`, "must be an object"},
		{`States.ArrayRange(0, 1000, 1)`, "maximum of 1000"},
		{`States.ArrayRange(0, 10, 0)`, "must not be 0"},
		{`States.ArrayRange(0, 1.5, 1)`, "must be an integer"},
		{`States.ArrayGetItem($.arr, 7)`, "out of bounds"},
		{`States.ArrayGetItem($.arr, -1)`, "out of bounds"},
		{`States.ArrayGetItem($.obj, 0)`, "must be an array"},
		{`States.ArrayPartition($.arr, 0)`, "greater than 0"},
		{`States.ArrayLength('x')`, "must be an array"},
		{`States.Base64Decode('***')`, "not valid base64"},
		{`States.Base64Encode($.n)`, "must be a string"},
		{`States.Hash('x', $.s)`, "unsupported hash algorithm"},
		{`States.MathAdd($.big, 1)`, "between -2147483648 and 2147483647"},
		{`States.MathAdd($.s, 1)`, "must be a number"},
		{`States.MathRandom(5, 5)`, "less than the end"},
		{`States.StringSplit($.arr, ',')`, "must be a string"},
	}
	for name, input := range inputs(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.expr, func(t *testing.T) {
				e, err := Compile(tt.expr)
				if err != nil {
					t.Fatalf("Compile: %v", err)
				}
				_, err = e.Eval(input, nil, fixedEnv)
				var ie *Error
				if !errors.As(err, &ie) {
					t.Fatalf("err = %v, want *Error", err)
				}
				if !strings.Contains(ie.Message, tt.contains) {
					t.Fatalf("message %q lacks %q", ie.Message, tt.contains)
				}
			})
		}
	}
}

func TestEncodingLimits(t *testing.T) {
	long := strings.Repeat("a", maxEncodedInput+1)
	input := map[string]any{"ok": long[1:], "long": long}
	for _, fn := range []string{"States.Base64Encode", "States.Hash"} {
		suffix := ")"
		if fn == "States.Hash" {
			suffix = ", 'MD5')"
		}
		okExpr, _ := Compile(fn + "($.ok" + suffix)
		if _, err := okExpr.Eval(input, nil, Env{}); err != nil {
			t.Errorf("%s at the limit: %v", fn, err)
		}
		longExpr, _ := Compile(fn + "($.long" + suffix)
		var ie *Error
		if _, err := longExpr.Eval(input, nil, Env{}); !errors.As(err, &ie) {
			t.Errorf("%s over the limit: err = %v, want *Error", fn, err)
		}
	}
}

func TestPathErrors(t *testing.T) {
	e, err := Compile(`States.Format('{}', $.missing)`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Eval(map[string]any{}, nil, Env{})
	if !errors.Is(err, jsonpath.ErrNoMatch) {
		t.Fatalf("err = %v, want jsonpath.ErrNoMatch", err)
	}
}

func TestCompileErrors(t *testing.T) {
	bad := []string{
		``, `States.`, `States.Nope()`, `States.Format`, `States.Format(`, `States.Format('x'`,
		`States.Format('unterminated)`, `States.Format('{}')`, `States.Format('{}', 1, 2)`,
		`States.Format()`, `States.Format(1)`, `States.UUID(1)`, `States.ArrayLength()`,
		`States.ArrayRange(1, 2)`, `States.Array(1,)`, `States.Array(,1)`, `States.Array(1 2)`,
		`States.Array(1.2.3)`, `States.Array(tru)`, `States.Array(x)`, `States.Array($.)`,
		`States.Array() extra`, `States.Hash('x', 'SHA-3')`, `States.JsonMerge($.a, $.b, true)`,
		`States.JsonMerge($.a, $.b, 'false')`, `States.MathRandom(1)`, `Other.Array()`,
		strings.Repeat("States.Array(", 100) + strings.Repeat(")", 100),
	}
	for _, expr := range bad {
		t.Run(expr, func(t *testing.T) {
			_, err := Compile(expr)
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Compile(%q) = %v, want *SyntaxError", expr, err)
			}
		})
	}
}

func TestIsCall(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{`States.Format('{}', $.a)`, true},
		{` States.UUID() `, true},
		{`States.Nope()`, true},
		{`$.a`, false},
		{`States.`, false},
		{`States.()`, false},
		{`States.Array`, false},
		{`xStates.Array()`, false},
	}
	for _, tt := range tests {
		if got := IsCall(tt.s); got != tt.want {
			t.Errorf("IsCall(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestVariableArguments(t *testing.T) {
	vars := map[string]any{"tmpl": "It's {}!", "obj": map[string]any{"n": json.Number("2")}}
	env := fixedEnv
	env.Variable = func(name string) (any, bool) { v, ok := vars[name]; return v, ok }
	tests := []struct{ expr, want string }{
		{`States.Format($tmpl, $.s)`, `"It's a,b!"`},
		{`States.MathAdd($obj.n, $.n)`, `5`},
		{`States.Array($obj)`, `[{"n":2}]`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := mustCompile(t, tt.expr).Eval(jsontest.Decode(t, []byte(doc)), nil, env)
			if err != nil {
				t.Fatal(err)
			}
			jsontest.Equal(t, got, jsontest.Decode(t, []byte(tt.want)))
		})
	}
	for _, e := range []Env{env, fixedEnv} {
		_, err := mustCompile(t, `States.Format('{}', $nope)`).Eval(nil, nil, e)
		var ie *Error
		if !errors.As(err, &ie) || !strings.Contains(ie.Message, "'$nope'") {
			t.Errorf("undefined variable: err = %v, want an *Error naming $nope", err)
		}
	}
}

// mustCompile compiles expr or fails the test.
func mustCompile(t *testing.T, expr string) *Expr {
	t.Helper()
	e, err := Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestMathRandomSeeded(t *testing.T) {
	e, err := Compile(`States.MathRandom(0, 1000000, 42)`)
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.Eval(nil, nil, Env{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		again, err := e.Eval(nil, nil, Env{})
		if err != nil || again != first {
			t.Fatalf("seeded MathRandom gave %v then %v (%v)", first, again, err)
		}
	}
}

func TestDefaultUUID(t *testing.T) {
	e, err := Compile(`States.UUID()`)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := e.Eval(nil, nil, Env{})
	b, _ := e.Eval(nil, nil, Env{})
	if !uuidV4.MatchString(a.(string)) || a == b {
		t.Fatalf("UUIDs %v and %v: want two distinct v4 UUIDs", a, b)
	}
}

func TestNestingLimit(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat("States.JsonToString(", n) + "'x'" + strings.Repeat(")", n)
	}
	if _, err := Compile(nest(maxDepth)); err != nil {
		t.Fatalf("%d levels: %v", maxDepth, err)
	}
	if _, err := Compile(nest(maxDepth + 1)); !errors.Is(err, ErrSyntax) {
		t.Fatalf("%d levels: err = %v, want ErrSyntax", maxDepth+1, err)
	}
}
