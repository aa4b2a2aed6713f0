package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// deep returns n nested one-element arrays around v.
func deep(n int, v any) any {
	for range n {
		v = []any{v}
	}
	return v
}

func TestAppend(t *testing.T) {
	type obj = map[string]any
	type arr = []any
	type num = json.Number
	var nilPtr *int
	tests := []struct {
		name string
		in   any
		want string
		err  bool
	}{
		{name: "nil", in: nil, want: `null`},
		{name: "true", in: true, want: `true`},
		{name: "false", in: false, want: `false`},
		{name: "empty string", in: "", want: `""`},
		{name: "quote and backslash", in: `a"b\c`, want: `"a\"b\\c"`},
		{name: "short escapes", in: "\b\f\n\r\t", want: `"\b\f\n\r\t"`},
		{name: "other control characters", in: "\x00\x01\x1f", want: `"\u0000\u0001\u001f"`},
		{name: "DEL and slash raw", in: "\x7f/", want: "\"\x7f/\""},
		{name: "HTML not escaped", in: "<a href='x'>&amp;</a>", want: `"<a href='x'>&amp;</a>"`},
		{name: "line and paragraph separators", in: "a\u2028b\u2029c", want: `"a\u2028b\u2029c"`},
		{name: "non-ASCII raw", in: "café 😀 \ufffd", want: `"café 😀 ` + "\ufffd" + `"`},
		{name: "invalid UTF-8", in: "a\xffb\xe2\x82", want: `"a\ufffdb\ufffd\ufffd"`},
		{name: "encoded surrogate", in: "\xed\xa0\x80", want: `"\ufffd\ufffd\ufffd"`},

		{name: "number", in: num("-1.50e+07"), want: `-1.50e+07`},
		{name: "empty number", in: num(""), want: `0`},
		{name: "number leading zero", in: num("01"), err: true},
		{name: "number with space", in: num(" 1"), err: true},
		{name: "number text", in: num("abc"), err: true},
		{name: "number trailing dot", in: num("1."), err: true},
		{name: "number bare exponent", in: num("1e+"), err: true},

		{name: "float zero", in: 0.0, want: `0`},
		{name: "float negative zero", in: math.Copysign(0, -1), want: `-0`},
		{name: "float", in: 123.456, want: `123.456`},
		{name: "float integral", in: 1e20, want: `100000000000000000000`},
		{name: "float exponent from 1e21", in: 1e21, want: `1e+21`},
		{name: "float small", in: 1e-6, want: `0.000001`},
		{name: "float exponent below 1e-6", in: -1.5e-7, want: `-1.5e-7`},
		{name: "float smallest", in: 5e-324, want: `5e-324`},
		{name: "float largest", in: math.MaxFloat64, want: `1.7976931348623157e+308`},
		{name: "float NaN", in: math.NaN(), err: true},
		{name: "float infinity", in: math.Inf(-1), err: true},
		{name: "int", in: -42, want: `-42`},
		{name: "int64", in: int64(math.MinInt64), want: `-9223372036854775808`},

		{name: "nil array", in: arr(nil), want: `null`},
		{name: "empty array", in: arr{}, want: `[]`},
		{name: "array", in: arr{num("1"), "a", nil, true, arr{}, obj{}}, want: `[1,"a",null,true,[],{}]`},
		{name: "nil object", in: obj(nil), want: `null`},
		{name: "empty object", in: obj{}, want: `{}`},
		{name: "keys in byte order", in: obj{"b": 1, "a": 2, "B": 3, "é": 4, "aa": 5, "": 6}, want: `{"":6,"B":3,"a":2,"aa":5,"b":1,"é":4}`},
		{name: "keys escaped", in: obj{"a\"\n\xff": nil}, want: `{"a\"\n\ufffd":null}`},
		{name: "nested", in: obj{"x": arr{obj{"y": num("2")}}}, want: `{"x":[{"y":2}]}`},
		{name: "error inside object", in: obj{"a": arr{num("x")}}, err: true},

		{name: "map of strings", in: map[string]string{"b": "<", "a": ">"}, want: `{"a":">","b":"<"}`},
		{name: "struct", in: struct {
			A int    `json:"a"`
			B string `json:"b,omitempty"`
		}{A: 1}, want: `{"a":1}`},
		{name: "bytes", in: []byte("hi"), want: `"aGk="`},
		{name: "nil pointer", in: nilPtr, want: `null`},
		{name: "raw message compacted", in: json.RawMessage(`{ "a" : [1, 2] }`), want: `{"a":[1,2]}`},
		{name: "float32", in: float32(0.1), want: `0.1`},
		{name: "uint8", in: uint8(7), want: `7`},
		{name: "time", in: time.Date(2026, 11, 23, 15, 0, 0, 123456789, time.UTC), want: `"2026-11-23T15:00:00.123456789Z"`},
		{name: "fallback inside object", in: obj{"m": map[string]int{"z": 1}}, want: `{"m":{"z":1}}`},
		{name: "channel", in: make(chan int), err: true},
		{name: "channel inside array", in: arr{1, make(chan int)}, err: true},
		{name: "deeper than the fast path", in: deep(maxFastDepth+5, "x"), want: strings.Repeat("[", maxFastDepth+5) + `"x"` + strings.Repeat("]", maxFastDepth+5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Append(nil, tt.in)
			std, stdErr := stdEncode(tt.in)
			if (err != nil) != tt.err || (stdErr != nil) != tt.err {
				t.Fatalf("Append error = %v, encoding/json error = %v, want error %v", err, stdErr, tt.err)
			}
			if !bytes.Equal(got, std) {
				t.Errorf("Append = %s, encoding/json = %s", got, std)
			}
			if !tt.err && string(got) != tt.want {
				t.Errorf("Append = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAppendControlCharacters(t *testing.T) {
	for c := range 0x80 {
		s := string(rune(c))
		got, err := Append(nil, s)
		want, stdErr := stdEncode(s)
		if err != nil || stdErr != nil || !bytes.Equal(got, want) {
			t.Errorf("Append(%q) = %s, %v; encoding/json = %s, %v", s, got, err, want, stdErr)
		}
	}
}

func TestAppendCycles(t *testing.T) {
	m := map[string]any{}
	m["self"] = m
	s := []any{nil}
	s[0] = s
	via := map[string]any{}
	via["list"] = []any{map[string]any{"back": via}}
	for name, v := range map[string]any{"map": m, "slice": s, "map via slice": via} {
		if _, err := Append(nil, v); err == nil {
			t.Errorf("%s: Append of a cyclic value succeeded", name)
		}
	}
}

func TestAppendKeepsDst(t *testing.T) {
	dst := []byte("prefix:")
	got, err := Append(dst, map[string]any{"a": []any{true}})
	if err != nil || string(got) != `prefix:{"a":[true]}` {
		t.Errorf("Append = %q, %v", got, err)
	}
	got, err = Append(dst, []any{"a", json.Number("x")})
	if err == nil || string(got) != "prefix:" {
		t.Errorf("failing Append = %q, %v; want the prefix unchanged and an error", got, err)
	}
}

func TestAppendRoundTripsFixtures(t *testing.T) {
	for _, name := range []string{"lambda_envelope.json", "definition.json"} {
		t.Run(name, func(t *testing.T) {
			v, err := Decode(readTestdata(t, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Append(nil, v)
			if err != nil {
				t.Fatal(err)
			}
			want, err := stdEncode(v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Append differs from encoding/json:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestNumbers(t *testing.T) {
	obj := map[string]any{"keep": json.Number("1.0"), "s": "x"}
	same := map[string]any{"n": json.Number("3"), "s": "x"}
	tenth, fifth := 0.1, 0.2
	tests := []struct {
		in   any
		want any
	}{
		{float64(7), json.Number("7")},
		{tenth + fifth, json.Number("0.30000000000000004")},
		{1e21, json.Number("1e+21")},
		{1e20, json.Number("100000000000000000000")},
		{1e-7, json.Number("1e-7")},
		{math.Copysign(0, -1), json.Number("0")},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
		{[]any{"a", float64(2), []any{2.5}}, []any{"a", json.Number("2"), []any{json.Number("2.5")}}},
		{map[string]any{"n": float64(3), "o": obj}, map[string]any{"n": json.Number("3"), "o": map[string]any{"keep": json.Number("1"), "s": "x"}}},
		{json.Number("2.50"), json.Number("2.5")},
		{json.Number("-0"), json.Number("0")},
		{json.Number("007"), json.Number("7")},
		{json.Number("-42"), json.Number("-42")},
		{json.Number("1e2"), json.Number("100")},
		{json.Number("999999999999999"), json.Number("999999999999999")},
		{json.Number("9007199254740993"), json.Number("9007199254740992")},
		{json.Number("12345678901234567890"), json.Number("12345678901234567000")},
		{map[string]any{"n": json.Number("3"), "s": "x"}, map[string]any{"n": json.Number("3"), "s": "x"}},
	}
	for _, tt := range tests {
		if got := Numbers(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Numbers(%#v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	in := []any{float64(1)}
	Numbers(in)
	if in[0] != float64(1) {
		t.Error("Numbers changed its argument")
	}
	if got := Numbers(same); reflect.ValueOf(got).Pointer() != reflect.ValueOf(same).Pointer() {
		t.Error("Numbers copied an object whose numbers it did not change")
	}
}
