package jsonpath

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`$`, `$$.Execution.Id`, `$.a.b[0]`, `$['x y']`, `$..c`, `$.a[1:]`, `$.a[-1:]`,
		`$.a[*].b`, `$[?(@.a == 1 || !@.b)]`, `$.a.length()`, `$['a','b']`,
		`$[?(@.a =~ /x/i)]`, `$[?(@.a in [1,'b'])]`, `$.a[0,1]`,
	} {
		f.Add(s)
	}
	const text = `{"a":{"b":[1,{"c":"x"},null],"c":2},"x y":[true,1.5,"s"]}`
	input := jsontest.Decode(f, []byte(text))
	raw := rawDoc(f, text)
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
		checkRaw(t, p, input, raw)
	})
}

// checkRaw fails t unless p reads and writes the raw text of input as it
// does input.
func checkRaw(t *testing.T, p *Path, input any, raw jsonvalue.Raw) {
	t.Helper()
	want, wantErr := p.Get(input, input)
	got, err := p.Get(raw, raw)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(jsonvalue.Expand(got), want) {
		t.Fatalf("%s on the raw text = %#v, %v; want %#v, %v", p, jsonvalue.Expand(got), err, want, wantErr)
	}
	want, wantErr = p.Set(input, "v")
	got, err = p.Set(raw, "v")
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(jsonvalue.Expand(got), want) {
		t.Fatalf("Set %s on the raw text = %#v, %v; want %#v, %v", p, jsonvalue.Expand(got), err, want, wantErr)
	}
}
