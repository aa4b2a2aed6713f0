package jsonvalue

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// nested returns depth arrays and objects, alternating, around a 1.
func nested(depth int) string {
	var open, close strings.Builder
	for i := range depth {
		if i%2 == 0 {
			open.WriteString(`[`)
			close.WriteString(`]`)
		} else {
			open.WriteString(`{"k":`)
			close.WriteString(`}`)
		}
	}
	c := []byte(close.String())
	for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
		c[i], c[j] = c[j], c[i]
	}
	return open.String() + "1" + string(c)
}

func TestDecode(t *testing.T) {
	type obj = map[string]any
	type arr = []any
	type num = json.Number
	tests := []struct {
		name string
		in   string
		want any
		err  bool
	}{
		{name: "null", in: `null`, want: nil},
		{name: "true", in: `true`, want: true},
		{name: "false padded", in: " \t\r\nfalse \t\r\n", want: false},
		{name: "empty input", in: ``, err: true},
		{name: "only whitespace", in: " \n ", err: true},
		{name: "truncated literal", in: `tru`, err: true},
		{name: "misspelt literal", in: `nul1`, err: true},
		{name: "literal run on", in: `truex`, err: true},
		{name: "capitalised literal", in: `True`, err: true},
		{name: "form feed is not whitespace", in: "\f1", err: true},
		{name: "byte order mark", in: "\xef\xbb\xbf1", err: true},
		{name: "second value", in: `1 2`, err: true},
		{name: "trailing bracket", in: `[1]]`, err: true},
		{name: "trailing garbage", in: `{}x`, err: true},
		{name: "trailing NUL", in: "1\x00", err: true},

		{name: "zero", in: `0`, want: num("0")},
		{name: "negative zero", in: `-0`, want: num("-0")},
		{name: "number text kept", in: `-0.0E+00`, want: num("-0.0E+00")},
		{name: "exponent", in: `1.5e-10`, want: num("1.5e-10")},
		{name: "huge", in: `123456789012345678901234567890e999`, want: num("123456789012345678901234567890e999")},
		{name: "leading zero", in: `01`, err: true},
		{name: "leading zero in array", in: `[01]`, err: true},
		{name: "negative leading zero", in: `-01`, err: true},
		{name: "bare minus", in: `-`, err: true},
		{name: "minus letter", in: `-a`, err: true},
		{name: "plus", in: `+1`, err: true},
		{name: "trailing dot", in: `1.`, err: true},
		{name: "leading dot", in: `.5`, err: true},
		{name: "dot exponent", in: `1.e5`, err: true},
		{name: "bare exponent", in: `1e`, err: true},
		{name: "signed bare exponent", in: `1e+`, err: true},
		{name: "hex", in: `0x1`, err: true},
		{name: "infinity", in: `Infinity`, err: true},
		{name: "NaN", in: `NaN`, err: true},

		{name: "empty string", in: `""`, want: ""},
		{name: "short escapes", in: `"\"\\\/\b\f\n\r\t"`, want: "\"\\/\b\f\n\r\t"},
		{name: "unicode escape", in: `"caf\u00e9 \u00E9"`, want: "café é"},
		{name: "NUL escape", in: `"\u0000"`, want: "\x00"},
		{name: "surrogate pair", in: `"\ud83d\ude00"`, want: "😀"},
		{name: "lone high surrogate", in: `"\ud83d"`, want: "\ufffd"},
		{name: "lone high surrogate then text", in: `"\ud83dx"`, want: "\ufffdx"},
		{name: "high surrogate then non-surrogate escape", in: `"\ud83d\u0041"`, want: "\ufffdA"},
		{name: "high surrogate then short escape", in: `"\ud83d\n"`, want: "\ufffd\n"},
		{name: "lone low surrogate", in: `"\ude00"`, want: "\ufffd"},
		{name: "reversed pair", in: `"\ude00\ud83d"`, want: "\ufffd\ufffd"},
		{name: "high high low", in: `"\ud83d\ud83d\ude00"`, want: "\ufffd😀"},
		{name: "raw UTF-8", in: `"€ 😀"`, want: "€ 😀"},
		{name: "raw U+FFFD", in: "\"\xef\xbf\xbd\"", want: "\ufffd"},
		{name: "invalid byte", in: "\"a\xffb\"", want: "a\ufffdb"},
		{name: "truncated sequence", in: "\"\xe2\x82\"", want: "\ufffd\ufffd"},
		{name: "overlong encoding", in: "\"\xc0\xaf\"", want: "\ufffd\ufffd"},
		{name: "encoded surrogate", in: "\"\xed\xa0\x80\"", want: "\ufffd\ufffd\ufffd"},
		{name: "invalid UTF-8 in key", in: "{\"\xff\":1}", want: obj{"\ufffd": num("1")}},
		{name: "DEL is allowed raw", in: "\"\x7f\"", want: "\x7f"},
		{name: "raw control character", in: "\"a\x01\"", err: true},
		{name: "raw newline", in: "\"a\n\"", err: true},
		{name: "raw tab after escape", in: "\"\\n\t\"", err: true},
		{name: "single quote escape", in: `"\'"`, err: true},
		{name: "unknown escape", in: `"\x41"`, err: true},
		{name: "short unicode escape", in: `"\u12"`, err: true},
		{name: "bad hex digit", in: `"\u12G4"`, err: true},
		{name: "bad hex after high surrogate", in: `"\ud83d\u12G4"`, err: true},
		{name: "unterminated", in: `"abc`, err: true},
		{name: "unterminated escape", in: `"abc\`, err: true},
		{name: "unterminated after escape", in: `"\n`, err: true},
		{name: "single quotes", in: `'a'`, err: true},

		{name: "empty array", in: `[]`, want: arr{}},
		{name: "empty array padded", in: `[ ]`, want: arr{}},
		{name: "array", in: `[1, "a", true, null, [], {}]`, want: arr{num("1"), "a", true, nil, arr{}, obj{}}},
		{name: "array trailing comma", in: `[1,]`, err: true},
		{name: "array leading comma", in: `[,1]`, err: true},
		{name: "array missing comma", in: `[1 2]`, err: true},
		{name: "array unclosed", in: `[1`, err: true},
		{name: "array wrong close", in: `[1}`, err: true},

		{name: "empty object", in: `{ }`, want: obj{}},
		{name: "object", in: `{"a": {"b": [1]}, "": ""}`, want: obj{"a": obj{"b": arr{num("1")}}, "": ""}},
		{name: "duplicate keys last wins", in: `{"a":1,"b":2,"a":3}`, want: obj{"a": num("3"), "b": num("2")}},
		{name: "escaped key", in: `{"\u0061":1,"a":2}`, want: obj{"a": num("2")}},
		{name: "object trailing comma", in: `{"a":1,}`, err: true},
		{name: "object missing colon", in: `{"a" 1}`, err: true},
		{name: "object number key", in: `{1:1}`, err: true},
		{name: "object bare key", in: `{a:1}`, err: true},
		{name: "object missing value", in: `{"a":}`, err: true},
		{name: "object unclosed", in: `{"a":1`, err: true},
		{name: "object wrong close", in: `{"a":1]`, err: true},

		{name: "deepest allowed nesting", in: nested(maxDepth), want: nil},
		{name: "too deep", in: nested(maxDepth + 1), err: true},
		{name: "too deep unclosed", in: strings.Repeat("[", maxDepth+1), err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			std, stdErr := stdDecode([]byte(tt.in))
			if (err != nil) != tt.err || (stdErr != nil) != tt.err {
				t.Fatalf("Decode error = %v, encoding/json error = %v, want error %v", err, stdErr, tt.err)
			}
			if !reflect.DeepEqual(got, std) {
				t.Errorf("Decode = %#v, encoding/json = %#v", got, std)
			}
			if !tt.err && tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrorNamesOffset(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`[1,]`, "invalid character ']' looking for beginning of value at offset 3"},
		{`{"a" 1}`, "invalid character '1' after object key at offset 5"},
		{"\"a\x01\"", `invalid character '\x01' in string literal at offset 2`},
		{`[1`, "unexpected end of input after array element at offset 2"},
		{`1 2`, "invalid character '2' after the JSON value at offset 2"},
		{`-x`, "invalid character 'x' in numeric literal at offset 1"},
		{`"\u12G4"`, `invalid character 'G' in \u hexadecimal character escape at offset 5`},
		{nested(maxDepth + 1), "nest more than 10000 deep at offset"},
	}
	for _, tt := range tests {
		_, err := Decode([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Decode(%.20q) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestDecodeFixtures(t *testing.T) {
	for _, name := range []string{"lambda_envelope.json", "definition.json"} {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			got, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			want, err := stdDecode(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Decode differs from encoding/json:\n got %#v\nwant %#v", got, want)
			}
		})
	}
}
