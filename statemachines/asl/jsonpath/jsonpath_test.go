package jsonpath

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
)

const doc = `{
 "a": {"b": [1, 2, 3], "c": null},
 "store": {"book": [
   {"title": "A", "price": 8, "tag": "x"},
   {"title": "B", "price": 12.5},
   {"title": "C", "price": 8.0, "tag": "y"}
 ]},
 "odd key": 1, "dash-key": 2, "n": 5, "s": "5"
}`

func TestGet(t *testing.T) {
	tests := []struct {
		path, want string
	}{
		{`$`, `{"a":{"b":[1,2,3],"c":null},"store":{"book":[{"title":"A","price":8,"tag":"x"},{"title":"B","price":12.5},{"title":"C","price":8.0,"tag":"y"}]},"odd key":1,"dash-key":2,"n":5,"s":"5"}`},
		{`$.a.b`, `[1,2,3]`},
		{`$.a.c`, `null`},
		{`$.a.b[0]`, `1`},
		{`$.a.b[-1]`, `3`},
		{`$['odd key']`, `1`},
		{`$["odd key"]`, `1`},
		{`$.dash-key`, `2`},
		{`$.a['b'][1]`, `2`},
		{`$.a.b[1:]`, `[2,3]`},
		{`$.a.b[:1]`, `[1]`},
		{`$.a.b[1:5]`, `[2,3]`},
		{`$.a.b[-2:]`, `[2,3]`},
		{`$.a.b[:-1]`, `[1,2]`},
		{`$.a.b[*]`, `[1,2,3]`},
		{`$.a.b.*`, `[1,2,3]`},
		{`$.a.b[0,2]`, `[1,3]`},
		{`$.a.b[0,7]`, `[1]`},
		{`$.a.b[5]`, ``},
		{`$.store.book[*].title`, `["A","B","C"]`},
		{`$..title`, `["A","B","C"]`},
		{`$..book[1].title`, `["B"]`},
		{`$..price`, `[8,12.5,8.0]`},
		{`$.store.book[?(@.price == 8)].title`, `["A","C"]`},
		{`$.store.book[?(@.price < 10)].title`, `["A","C"]`},
		{`$.store.book[?(@.price >= 12.5)].title`, `["B"]`},
		{`$.store.book[?(@.price != 8)].title`, `["B"]`},
		{`$.store.book[?(@.tag)].title`, `["A","C"]`},
		{`$.store.book[?(!@.tag)].title`, `["B"]`},
		{`$.store.book[?(@.tag == 'y' || @.title == "A")].title`, `["A","C"]`},
		{`$.store.book[?(@.price == 8 && @.tag == 'y')].title`, `["C"]`},
		{`$.store.book[?(@.title in ['A','B'])].price`, `[8,12.5]`},
		{`$.store.book[?(@.title nin ['A','B'])].price`, `[8.0]`},
		{`$.store.book[?(@.title =~ /[ab]/i)].title`, `["A","B"]`},
		{`$.store.book[?(@.price == $.n)].title`, `[]`},
		{`$.store.book[?(@.price > $.n)].title`, `["A","B","C"]`},
		{`$.store.book[?(@.title > 'A')].title`, `["B","C"]`},
		{`$.store.book[?(@.price == '8')].title`, `["A","C"]`},
		{`$.a.b.length()`, `3`},
		{`$.store.book[*].zz`, `[]`},
		{`$['a','n']`, `{"a":{"b":[1,2,3],"c":null},"n":5}`},
		{`$.a.b[0:2]`, `[1,2]`},
	}
	input := jsontest.Decode(t, []byte(doc))
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := Compile(tt.path)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got, err := p.Get(input, nil)
			if tt.want == "" {
				if !errors.Is(err, ErrNoMatch) {
					t.Fatalf("got %v, %v; want ErrNoMatch", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			jsontest.Equal(t, got, jsontest.Decode(t, []byte(tt.want)))
		})
	}
}

func TestGetNoMatchMessages(t *testing.T) {
	tests := []struct{ path, input, want string }{
		{`$.x`, `{}`, `No results for path: $['x']`},
		{`$.x.y`, `{}`, `Missing property in path $['x']`},
		{`$.a[3]`, `{"a":[1]}`, `No results for path: $['a'][3]`},
		{`$.a.b`, `{"a":5}`, `Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.Integer'. This is not a json object according to the JsonProvider.`},
		{`$.a[0]`, `{"a":{}}`, `Filter: [0] can only be applied to arrays. Current context is: {}`},
		{`$$.Execution.Input.q`, `{}`, `No results for path: $['Execution']['Input']['q']`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := Compile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			ctx := map[string]any{"Execution": map[string]any{"Input": map[string]any{}}}
			_, err = p.Get(jsontest.Decode(t, []byte(tt.input)), ctx)
			var me *MatchError
			if !errors.As(err, &me) || !errors.Is(err, ErrNoMatch) {
				t.Fatalf("err = %v, want *MatchError", err)
			}
			if me.Message != tt.want {
				t.Fatalf("message %q, want %q", me.Message, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	bad := []string{
		``, `a`, `$.`, `$..`, `$1a`, `$a-b`, `$a b`, `$$$`, `$x.`, `$.a.`, `$[`, `$[]`, `$['a`, `$['a'`, `$[a]`,
		`$.a b`, `$[1:2:3]`, `$[:]`, `$.*x`, `$.foo()`, `$.length().a`, `$[?(@.a ==)]`,
		`$[?(@.a`, `$[?@.a]`, `$[?(@.a =~ /x)]`, `$[?(@.a =~ /(/)]`, `$[99999999999]`,
		`$..length()`, `$[?(1)]`, `$[?(@.a == {})]`,
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

func TestClassification(t *testing.T) {
	tests := []struct {
		path                         string
		context, reference, definite bool
	}{
		{`$`, false, true, true},
		{`$$`, true, true, true},
		{`$$.Execution.Id`, true, true, true},
		{`$.a[0].b`, false, true, true},
		{`$['a'].b`, false, true, true},
		{`$.a.length()`, false, false, true},
		{`$.a[*]`, false, false, false},
		{`$.a.*`, false, false, false},
		{`$.a[1:]`, false, false, false},
		{`$.a[0,1]`, false, false, false},
		{`$['a','b']`, false, false, true},
		{`$['a','b'].c`, false, false, false},
		{`$..a`, false, false, false},
		{`$.a[?(@.x)]`, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := Compile(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.path {
				t.Errorf("String() = %q", p.String())
			}
			got := [3]bool{p.IsContext(), p.IsReference(), p.IsDefinite()}
			want := [3]bool{tt.context, tt.reference, tt.definite}
			if got != want {
				t.Errorf("context/reference/definite = %v, want %v", got, want)
			}
		})
	}
}

func TestVariablePaths(t *testing.T) {
	value := jsontest.Decode(t, []byte(`{"a":[1,{"b":"x"}]}`))
	tests := []struct {
		path, variable, want string
	}{
		{`$v`, "v", `{"a":[1,{"b":"x"}]}`},
		{`$_v2.a[1].b`, "_v2", `"x"`},
		{`$état['a'][0]`, "état", `1`},
		{`$v.a[*]`, "v", `[1,{"b":"x"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := mustCompile(t, tt.path)
			if p.Variable() != tt.variable || p.IsContext() {
				t.Fatalf("Variable() = %q, IsContext() = %v; want %q, false", p.Variable(), p.IsContext(), tt.variable)
			}
			got, err := p.Get(value, nil)
			if err != nil {
				t.Fatal(err)
			}
			jsontest.Equal(t, got, jsontest.Decode(t, []byte(tt.want)))
		})
	}
	if mustCompile(t, `$.a`).Variable() != "" || mustCompile(t, `$$.a`).Variable() != "" {
		t.Error("a path on the input or context names a variable")
	}
	var me *MatchError
	if _, err := mustCompile(t, `$v.nope`).Get(value, nil); !errors.As(err, &me) || me.Message != "No results for path: $v['nope']" {
		t.Errorf("miss = %v, want Jayway's message on $v", err)
	}
	if _, err := mustCompile(t, `$v.a`).Set(value, 1); !errors.Is(err, ErrCannotSet) {
		t.Errorf("Set through a variable = %v, want ErrCannotSet", err)
	}
}

func TestIsVariableName(t *testing.T) {
	for s, want := range map[string]bool{
		"x": true, "_": true, "a1": true, "états": true, strings.Repeat("a", 80): true,
		"": false, "1a": false, "a-b": false, "a.b": false, "a b": false, strings.Repeat("a", 81): false,
	} {
		if got := IsVariableName(s); got != want {
			t.Errorf("IsVariableName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestTooManyMatches(t *testing.T) {
	nested := any(json.Number("1"))
	for range 8 {
		nested = []any{nested}
	}
	union := "[" + strings.Repeat("0,", 15) + "0]"
	p := mustCompile(t, "$"+strings.Repeat(union, 8))
	_, err := p.Get(nested, nil)
	if !errors.Is(err, ErrTooManyMatches) || errors.Is(err, ErrNoMatch) {
		t.Fatalf("err = %v, want ErrTooManyMatches only", err)
	}
	small := mustCompile(t, "$"+strings.Repeat(union, 2))
	got, err := small.Get(nested, nil)
	if err != nil || len(got.([]any)) != 256 {
		t.Fatalf("16x16 union gave %d matches, %v; want 256", len(got.([]any)), err)
	}
}
