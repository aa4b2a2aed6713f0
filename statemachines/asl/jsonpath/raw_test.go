package jsonpath

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// rawDoc returns text, compacted, as the raw JSON text the interpreter
// keeps of a Lambda result.
func rawDoc(t testing.TB, text string) jsonvalue.Raw {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(text)); err != nil {
		t.Fatal(err)
	}
	v, err := jsonvalue.DecodeLazy(b.Bytes())
	r, ok := v.(jsonvalue.Raw)
	if err != nil || !ok {
		t.Fatalf("DecodeLazy(%s) = %T, %v; want a Raw", b.Bytes(), v, err)
	}
	return r
}

// rawPaths returns paths that, evaluated on doc held raw, whole and in
// part, must give what they give on doc decoded.
func rawPaths() []string {
	return []string{
		`$`, `$.a`, `$.a.b`, `$.a.c`, `$.a.b[0]`, `$.a.b[-1]`, `$.a.b[-3]`, `$['odd key']`,
		`$.store.book[1]`, `$.store.book[1].price`, `$.store.book[-1].tag`, `$.a.b.length()`,
		`$.store.length()`, `$['a','n']`, `$.store.book[0]['title','tag']`,
		`$.a.b[1:]`, `$.store.book[*].title`, `$..price`, `$.store.book[?(@.price < 10)].title`,
		`$.store.book[?(@.price > $.n)].title`, `$.*`, `$.a.b[0,2]`,
		// misses, whose messages must not change
		`$.x`, `$.x.y`, `$.a.b[3]`, `$.a.b[-4]`, `$.n.b`, `$.a[0]`, `$.a.b.c`, `$.s[0]`, `$.store.book[0].title.x`,
	}
}

func TestGetRaw(t *testing.T) {
	decoded := jsontest.Decode(t, []byte(doc))
	raw := rawDoc(t, doc)
	inputs := map[string]any{"raw": raw, "raw members": raw.Shallow()}
	for _, path := range rawPaths() {
		p := mustCompile(t, path)
		want, wantErr := p.Get(decoded, nil)
		for name, input := range inputs {
			got, err := p.Get(input, nil)
			if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("%s on %s: error %v, want %v", path, name, err, wantErr)
			}
			if !reflect.DeepEqual(jsonvalue.Expand(got), want) {
				t.Fatalf("%s on %s = %#v, want %#v", path, name, jsonvalue.Expand(got), want)
			}
		}
	}
}

// TestGetRawStaysRaw checks that a definite path reads into a raw text
// without decoding what it selects.
func TestGetRawStaysRaw(t *testing.T) {
	raw := rawDoc(t, doc)
	tests := []struct {
		path string
		want any
	}{
		{`$`, raw},
		{`$.store.book`, jsonvalue.Raw(`[{"title":"A","price":8,"tag":"x"},{"title":"B","price":12.5},{"title":"C","price":8.0,"tag":"y"}]`)},
		{`$.store.book[-1]`, jsonvalue.Raw(`{"title":"C","price":8.0,"tag":"y"}`)},
		{`$.store.book[1].price`, json.Number("12.5")},
		{`$['odd key']`, json.Number("1")},
		{`$.a.c`, nil},
		{`$.s`, "5"},
	}
	for _, tt := range tests {
		got, err := mustCompile(t, tt.path).Get(raw, nil)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %#v, %v; want %#v", tt.path, got, err, tt.want)
		}
	}
}

func TestSetRaw(t *testing.T) {
	raw := rawDoc(t, doc)
	tests := []struct {
		path string
		kept []string // members of the root that must stay raw
	}{
		{`$.r`, []string{"a", "store"}},
		{`$.a.r`, []string{"store"}},
		{`$.a.b[1]`, []string{"store"}},
		{`$.store.book[2].r`, []string{"a"}},
		{`$.x.y`, []string{"a", "store"}},
	}
	decoded := jsontest.Decode(t, []byte(doc))
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := mustCompile(t, tt.path)
			before := string(raw)
			got, err := p.Set(raw, "v")
			if err != nil {
				t.Fatal(err)
			}
			want, _ := p.Set(decoded, "v")
			jsontest.Equal(t, jsonvalue.Expand(got), want)
			for _, k := range tt.kept {
				if _, ok := got.(map[string]any)[k].(jsonvalue.Raw); !ok {
					t.Errorf("Set opened %s, which the path does not go through", k)
				}
			}
			if string(raw) != before {
				t.Errorf("Set changed the raw text")
			}
		})
	}
	for _, path := range []string{`$.n.x`, `$.a.b.x`, `$.a.b[7]`, `$.a[0]`} {
		_, err := mustCompile(t, path).Set(raw, "v")
		_, want := mustCompile(t, path).Set(decoded, "v")
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("Set(%s) error %v, want %v", path, err, want)
		}
	}
}
