package jsonpath

import (
	"errors"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`$`, `$$.Execution.Id`, `$.a.b[0]`, `$['x y']`, `$..c`, `$.a[1:]`, `$.a[-1:]`,
		`$.a[*].b`, `$[?(@.a == 1 || !@.b)]`, `$.a.length()`, `$['a','b']`,
		`$[?(@.a =~ /x/i)]`, `$[?(@.a in [1,'b'])]`, `$.a[0,1]`,
	} {
		f.Add(s)
	}
	input := jsontest.Decode(f, []byte(`{"a":{"b":[1,{"c":"x"},null],"c":2},"x y":[true,1.5,"s"]}`))
	f.Fuzz(func(t *testing.T, expr string) {
		p, err := Compile(expr)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Compile error %v does not match ErrSyntax", err)
			}
			return
		}
		got, err := p.Get(input, input)
		if errors.Is(err, ErrTooManyMatches) {
			return
		}
		if !p.IsDefinite() {
			if _, ok := got.([]any); !ok || err != nil {
				t.Fatalf("indefinite %q gave %T, %v", expr, got, err)
			}
		} else if err != nil && !errors.Is(err, ErrNoMatch) {
			t.Fatalf("Get error %v does not match ErrNoMatch", err)
		}
		if _, err := p.Set(input, "v"); err != nil && !errors.Is(err, ErrCannotSet) {
			t.Fatalf("Set error %v does not match ErrCannotSet", err)
		}
	})
}
