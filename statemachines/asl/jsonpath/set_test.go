package jsonpath

import (
	"errors"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
)

func TestSet(t *testing.T) {
	tests := []struct {
		path, root, value, want string
	}{
		{`$`, `{"a":1}`, `"x"`, `"x"`},
		{`$.r`, `{"a":1}`, `2`, `{"a":1,"r":2}`},
		{`$.a`, `{"a":1}`, `{"b":2}`, `{"a":{"b":2}}`},
		{`$.x.y.z`, `{"a":1}`, `true`, `{"a":1,"x":{"y":{"z":true}}}`},
		{`$.a.b`, `{"a":{"c":3}}`, `null`, `{"a":{"b":null,"c":3}}`},
		{`$['odd key']`, `{}`, `1`, `{"odd key":1}`},
		{`$.a[1]`, `{"a":[1,2,3]}`, `9`, `{"a":[1,9,3]}`},
		{`$.a[-1].b`, `{"a":[1,{"c":0}]}`, `9`, `{"a":[1,{"b":9,"c":0}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			root := jsontest.Decode(t, []byte(tt.root))
			before := jsontest.Marshal(t, root)
			got, err := mustCompile(t, tt.path).Set(root, jsontest.Decode(t, []byte(tt.value)))
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			jsontest.Equal(t, got, jsontest.Decode(t, []byte(tt.want)))
			if after := jsontest.Marshal(t, root); after != before {
				t.Fatalf("Set modified its input: %s became %s", before, after)
			}
		})
	}
}

func TestSetFails(t *testing.T) {
	tests := []struct{ path, root string }{
		{`$.a.b`, `{"a":1}`},
		{`$.a.b`, `{"a":"s"}`},
		{`$.a.b`, `{"a":[]}`},
		{`$.a.b`, `{"a":null}`},
		{`$.a`, `[1]`},
		{`$.a`, `"text"`},
		{`$.a[5]`, `{"a":[1]}`},
		{`$.a[0]`, `{"a":{}}`},
		{`$.a[0]`, `{}`},
		{`$.a[*]`, `{"a":[1]}`},
		{`$$.Execution`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.path+" on "+tt.root, func(t *testing.T) {
			_, err := mustCompile(t, tt.path).Set(jsontest.Decode(t, []byte(tt.root)), "v")
			var se *SetError
			if !errors.Is(err, ErrCannotSet) || !errors.As(err, &se) {
				t.Fatalf("err = %v, want ErrCannotSet", err)
			}
		})
	}
}

func mustCompile(t *testing.T, expr string) *Path {
	t.Helper()
	p, err := Compile(expr)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	return p
}
