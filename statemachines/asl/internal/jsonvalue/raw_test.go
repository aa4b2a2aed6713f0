package jsonvalue

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// keys returns an object with n distinct keys.
func keys(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strings.Repeat("x", i) + `":1`)
	}
	b.WriteByte('}')
	return b.String()
}

func TestDecodeLazy(t *testing.T) {
	tests := []struct {
		name string
		in   string
		raw  bool // DecodeLazy keeps the text as a Raw
	}{
		{"empty object", `{}`, true},
		{"empty array", `[]`, true},
		{"object", `{"b":1,"a":[true,false,null],"c":{"d":"e"}}`, true},
		{"lambda result", `{"events":[{"type":"Deposited","amount":100,"at":"2024-01-02T03:04:05Z"}],"expectedVersion":3}`, true},
		{"numbers kept as written", `[0,-0,1.50,-2.5e+10,1E400,123456789012345678901234567890]`, true},
		{"raw UTF-8", `{"name":"Zoë 😀 €","k€y":"ü"}`, true},
		{"raw U+FFFD", "[\"\xef\xbf\xbd\"]", true},
		{"DEL", "[\"\x7f\"]", true},
		{"HTML characters", `["<a href='x'>&amp;</a>"]`, true},
		{"surrounding whitespace", " \r\n\t{\"a\":1}\n", true},
		{"deepest kept", nested(maxRawDepth), true},
		{"most keys kept", keys(maxRawKeys), true},
		{"same key in sibling objects", `[{"a":1},{"a":2}]`, true},
		{"same key in nested object", `{"a":{"a":{"a":1}}}`, true},
		{"keys differing in length", `{"a":1,"aa":2,"":3}`, true},

		{"scalar", `"abc"`, false},
		{"number", `42`, false},
		{"null", `null`, false},
		{"space after colon", `{"a": 1}`, false},
		{"space after comma", `[1, 2]`, false},
		{"space inside brackets", `[ 1]`, false},
		{"newline inside", "{\"a\":1\n}", false},
		{"quote escape", `["a\"b"]`, false},
		{"slash escape", `["a\/b"]`, false},
		{"unicode escape", `["\u00e9"]`, false},
		{"escaped key", `{"\u0061":1}`, false},
		{"escaped duplicate key", `{"a":1,"\u0061":2}`, false},
		{"invalid UTF-8", "[\"a\xffb\"]", false},
		{"invalid UTF-8 in key", "{\"\xff\":1}", false},
		{"encoded surrogate", "[\"\xed\xa0\x80\"]", false},
		{"overlong encoding", "[\"\xc0\xaf\"]", false},
		{"U+2028", "[\"a\u2028b\"]", false},
		{"U+2029 in key", "{\"\u2029\":1}", false},
		{"duplicate key", `{"a":1,"b":2,"a":3}`, false},
		{"duplicate key nested", `[{"x":{"a":1,"a":1}}]`, false},
		{"duplicate empty key", `{"":1,"":2}`, false},
		{"too deep", nested(maxRawDepth + 1), false},
		{"too many keys", keys(maxRawKeys + 1), false},
		{"too many keys in all", `{"a":` + keys(maxRawKeys) + `}`, false},
		{"deepest Decode allows", nested(maxDepth), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeLazy([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			r, isRaw := got.(Raw)
			if isRaw != tt.raw {
				t.Fatalf("DecodeLazy(%.40q) = %T, want a Raw: %v", tt.in, got, tt.raw)
			}
			if isRaw && string(r) != strings.Trim(tt.in, " \r\n\t") {
				t.Errorf("Raw = %q, want the text without its surrounding whitespace", r)
			}
			checkLazy(t, []byte(tt.in), got)
		})
	}
}

// TestDecodeLazyRejects checks that invalid documents fail as Decode fails.
func TestDecodeLazyRejects(t *testing.T) {
	for _, in := range []string{``, ` `, `{`, `[1,]`, `{"a":1}x`, `{"a":1}{}`, `{"a"}`, `[01]`, `["a]`, `[tru]`, "[\"\x01\"]", `{"a":1,}`, `[1}`} {
		got, err := DecodeLazy([]byte(in))
		_, want := Decode([]byte(in))
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("DecodeLazy(%q) = %v, %v; Decode error %v", in, got, err, want)
		}
	}
}

// checkLazy fails t unless lazy, DecodeLazy's result for data, expands to
// what Decode gives, encodes to text that decodes to it, and is measured
// by Len as Append writes it.
func checkLazy(t *testing.T, data []byte, lazy any) {
	t.Helper()
	full, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode(%q): %v", data, err)
	}
	if got := Expand(lazy); !reflect.DeepEqual(got, full) {
		t.Fatalf("Expand(DecodeLazy(%q)) = %#v, Decode = %#v", data, got, full)
	}
	enc, err := Append(nil, lazy)
	if err != nil {
		t.Fatalf("Append(DecodeLazy(%q)): %v", data, err)
	}
	back, err := Decode(enc)
	if err != nil || !reflect.DeepEqual(back, full) {
		t.Fatalf("Append(DecodeLazy(%q)) = %q, which decodes to %#v, %v", data, enc, back, err)
	}
	if n, err := Len(lazy, -1); n != len(enc) || err != nil {
		t.Fatalf("Len(DecodeLazy(%q)) = %d, %v; Append wrote %d bytes", data, n, err, len(enc))
	}
}

func TestDecodeLazyScansWithoutAllocating(t *testing.T) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, readTestdata(t, "lambda_envelope.json")); err != nil {
		t.Fatal(err)
	}
	data := compact.Bytes()
	if _, ok := rawText(data); !ok {
		t.Fatal("the compact envelope is not kept raw")
	}
	if n := testing.AllocsPerRun(100, func() { rawText(data) }); n != 0 {
		t.Errorf("rawText allocates %v times per call", n)
	}
}

// lazy decodes s with DecodeLazy and fails unless it is a Raw.
func lazy(t *testing.T, s string) Raw {
	t.Helper()
	v, err := DecodeLazy([]byte(s))
	r, ok := v.(Raw)
	if err != nil || !ok {
		t.Fatalf("DecodeLazy(%q) = %T, %v; want a Raw", s, v, err)
	}
	return r
}

func TestRawMember(t *testing.T) {
	r := lazy(t, `{"s":"x y","n":-1.50e3,"t":true,"f":false,"z":null,"o":{"a":[1,"]}"]},"a":[{"b":"}"}],"":"empty","e":{},"l":[]}`)
	tests := []struct {
		name string
		want any
		ok   bool
	}{
		{"s", "x y", true},
		{"n", json.Number("-1.50e3"), true},
		{"t", true, true},
		{"f", false, true},
		{"z", nil, true},
		{"o", Raw(`{"a":[1,"]}"]}`), true},
		{"a", Raw(`[{"b":"}"}]`), true},
		{"", "empty", true},
		{"e", Raw(`{}`), true},
		{"l", Raw(`[]`), true},
		{"missing", nil, false},
		{"b", nil, false}, // a key of a nested object only
		{"S", nil, false},
	}
	for _, tt := range tests {
		got, ok := r.Member(tt.name)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Member(%q) = %#v, %v; want %#v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if v, ok := lazy(t, `[{"a":1}]`).Member("a"); ok {
		t.Errorf("Member of an array = %#v, want no member", v)
	}
}

func TestRawIndex(t *testing.T) {
	r := lazy(t, `[1,"a,b",[2,[3]],{"k":"]"},null,"",[]]`)
	tests := []struct {
		i    int
		want any
		ok   bool
	}{
		{0, json.Number("1"), true},
		{1, "a,b", true},
		{2, Raw(`[2,[3]]`), true},
		{3, Raw(`{"k":"]"}`), true},
		{4, nil, true},
		{5, "", true},
		{6, Raw(`[]`), true},
		{7, nil, false},
		{-1, nil, false},
	}
	for _, tt := range tests {
		got, ok := r.Index(tt.i)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Index(%d) = %#v, %v; want %#v, %v", tt.i, got, ok, tt.want, tt.ok)
		}
	}
	if v, ok := lazy(t, `{"0":1}`).Index(0); ok {
		t.Errorf("Index of an object = %#v, want no element", v)
	}
	if v, ok := lazy(t, `[]`).Index(0); ok {
		t.Errorf("Index of an empty array = %#v, want no element", v)
	}
}

func TestRawCountAndShallow(t *testing.T) {
	type obj = map[string]any
	type arr = []any
	tests := []struct {
		in      string
		count   int
		shallow any
	}{
		{`{}`, 0, obj{}},
		{`[]`, 0, arr{}},
		{`[[]]`, 1, arr{Raw(`[]`)}},
		{`{"a":{"b":[1]},"c":"d","e":2}`, 3, obj{"a": Raw(`{"b":[1]}`), "c": "d", "e": json.Number("2")}},
		{`[1,{"a":"[,]"},"x",[{}]]`, 4, arr{json.Number("1"), Raw(`{"a":"[,]"}`), "x", Raw(`[{}]`)}},
	}
	for _, tt := range tests {
		r := lazy(t, tt.in)
		if got := r.Count(); got != tt.count {
			t.Errorf("Count(%s) = %d, want %d", tt.in, got, tt.count)
		}
		got := r.Shallow()
		if !reflect.DeepEqual(got, tt.shallow) {
			t.Errorf("Shallow(%s) = %#v, want %#v", tt.in, got, tt.shallow)
		}
		full, _ := Decode([]byte(tt.in))
		if !reflect.DeepEqual(Expand(got), full) {
			t.Errorf("Expand(Shallow(%s)) = %#v, want %#v", tt.in, Expand(got), full)
		}
	}
}

// TestRawInTrees encodes and measures trees that hold Raw values, as the
// interpreter builds them when a template moves part of a Lambda result.
func TestRawInTrees(t *testing.T) {
	events := lazy(t, `[{"type":"Deposited","amount":100},{"type":"Opened","currency":"EUR"}]`)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"raw alone", events, `[{"type":"Deposited","amount":100},{"type":"Opened","currency":"EUR"}]`},
		{"member order kept", lazy(t, `{"b":1,"a":2}`), `{"b":1,"a":2}`},
		{"in a map", map[string]any{"z": json.Number("1"), "events": events}, `{"events":[{"type":"Deposited","amount":100},{"type":"Opened","currency":"EUR"}],"z":1}`},
		{"in an array", []any{events, "x", lazy(t, `{}`)}, `[[{"type":"Deposited","amount":100},{"type":"Opened","currency":"EUR"}],"x",{}]`},
		{"empty raw is null", map[string]any{"a": Raw(nil)}, `{"a":null}`},
		{"deeper than Append nests itself", nest(map[string]any{"r": lazy(t, `{"b":1,"a":[2]}`)}, maxFastDepth+1), strings.Repeat(`[`, maxFastDepth+1) + `{"r":{"b":1,"a":[2]}}` + strings.Repeat(`]`, maxFastDepth+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Append(nil, tt.v)
			if err != nil || string(got) != tt.want {
				t.Fatalf("Append = %s, %v; want %s", got, err, tt.want)
			}
			if n, err := Len(tt.v, -1); n != len(tt.want) || err != nil {
				t.Errorf("Len = %d, %v; want %d", n, err, len(tt.want))
			}
			limit := len(tt.want) - 1
			if n, _ := Len(tt.v, limit); n <= limit {
				t.Errorf("Len with limit %d = %d, want more than the limit", limit, n)
			}
		})
	}
}

// nest wraps v in depth arrays.
func nest(v any, depth int) any {
	for range depth {
		v = []any{v}
	}
	return v
}

func TestExpand(t *testing.T) {
	raw := lazy(t, `{"a":[1,{"b":null}]}`)
	inner := map[string]any{"k": "v"}
	tree := map[string]any{"plain": inner, "list": []any{json.Number("1"), raw}, "raw": raw}
	got := Expand(tree)
	want := map[string]any{
		"plain": inner,
		"list":  []any{json.Number("1"), map[string]any{"a": []any{json.Number("1"), map[string]any{"b": nil}}}},
		"raw":   map[string]any{"a": []any{json.Number("1"), map[string]any{"b": nil}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Expand = %#v, want %#v", got, want)
	}
	if tree["raw"].(Raw) == nil || tree["list"].([]any)[1].(Raw) == nil {
		t.Error("Expand changed the tree it was given")
	}
	if reflect.ValueOf(got.(map[string]any)["plain"]).UnsafePointer() != reflect.ValueOf(inner).UnsafePointer() {
		t.Error("Expand copied a map that holds no Raw")
	}
	if plain := map[string]any{"a": []any{"b"}}; reflect.ValueOf(Expand(plain)).UnsafePointer() != reflect.ValueOf(plain).UnsafePointer() {
		t.Error("Expand copied a tree that holds no Raw")
	}
	if got := Expand(Raw(`{"a":`)); got != nil {
		t.Errorf("Expand of an invalid Raw = %#v, want nil", got)
	}
}

func TestRawMarshalJSON(t *testing.T) {
	got, err := json.Marshal(map[string]any{"r": lazy(t, `{"b":"<&>","a":1}`), "n": Raw(nil)})
	if err != nil || string(got) != `{"n":null,"r":{"b":"\u003c\u0026\u003e","a":1}}` {
		t.Errorf("json.Marshal = %s, %v", got, err)
	}
}
