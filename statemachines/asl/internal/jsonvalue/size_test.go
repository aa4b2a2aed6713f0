package jsonvalue

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestLen(t *testing.T) {
	type obj = map[string]any
	type arr = []any
	type num = json.Number
	tests := []struct {
		name string
		in   any
		want int
		err  bool
	}{
		{name: "nil", in: nil, want: 4},
		{name: "true", in: true, want: 4},
		{name: "false", in: false, want: 5},
		{name: "empty string", in: "", want: 2},
		{name: "plain string", in: "abc", want: 5},
		{name: "short escapes", in: "\"\\\b\f\n\r\t", want: 2 + 7*2},
		{name: "control characters", in: "\x00\x1f", want: 2 + 2*6},
		{name: "DEL and HTML raw", in: "\x7f<>&", want: 6},
		{name: "non-ASCII raw", in: "é😀", want: 2 + 2 + 4},
		{name: "line and paragraph separators", in: "\u2028\u2029", want: 2 + 2*6},
		{name: "invalid UTF-8", in: "a\xff\xe2\x82", want: 2 + 1 + 3*6},
		{name: "encoded surrogate", in: "\xed\xa0\x80", want: 2 + 3*6},
		{name: "number", in: num("-1.50e+07"), want: 9},
		{name: "empty number", in: num(""), want: 1},
		{name: "invalid number", in: num("01"), err: true},
		{name: "float", in: 123.456, want: 7},
		{name: "float exponent", in: -1.5e-7, want: 7},
		{name: "float largest", in: math.MaxFloat64, want: 23},
		{name: "float long fraction", in: -0.0000012345678901234567, want: len("-0.0000012345678901234567")},
		{name: "float NaN", in: math.NaN(), err: true},
		{name: "int zero", in: 0, want: 1},
		{name: "int", in: -42, want: 3},
		{name: "int64 smallest", in: int64(math.MinInt64), want: 20},
		{name: "int64 largest", in: int64(math.MaxInt64), want: 19},
		{name: "nil array", in: arr(nil), want: 4},
		{name: "empty array", in: arr{}, want: 2},
		{name: "array", in: arr{num("1"), "a", nil, true}, want: len(`[1,"a",null,true]`)},
		{name: "nil object", in: obj(nil), want: 4},
		{name: "empty object", in: obj{}, want: 2},
		{name: "object", in: obj{"b": 1, "a\n": arr{obj{}}}, want: len(`{"a\n":[{}],"b":1}`)},
		{name: "error inside object", in: obj{"a": arr{num("x")}}, err: true},
		{name: "other type", in: map[string]int{"a": 1}, want: len(`{"a":1}`)},
		{name: "unsupported type", in: arr{make(chan int)}, err: true},
		{name: "deeper than the fast path", in: deep(maxFastDepth+5, "x"), want: 2*(maxFastDepth+5) + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Len(tt.in, -1)
			if (err != nil) != tt.err {
				t.Fatalf("Len error = %v, want error %v", err, tt.err)
			}
			if tt.err {
				return
			}
			enc, _ := Append(nil, tt.in)
			if got != tt.want || got != len(enc) {
				t.Errorf("Len = %d, want %d (Append wrote %d bytes: %s)", got, tt.want, len(enc), enc)
			}
		})
	}
}

func TestLenStopsPastLimit(t *testing.T) {
	huge := strings.Repeat("\n", 1<<20)
	tests := []struct {
		name  string
		in    any
		limit int
		over  bool
	}{
		{name: "at the limit", in: "abc", limit: 5},
		{name: "one byte over", in: "abc", limit: 4, over: true},
		{name: "escapes push it over", in: "a\n", limit: 4, over: true},
		{name: "huge string", in: huge, limit: 100, over: true},
		{name: "error after the limit is not reached", in: []any{huge, make(chan int)}, limit: 100, over: true},
		{name: "invalid number after the limit", in: []any{huge, json.Number("x")}, limit: 100, over: true},
		{name: "zero limit", in: nil, limit: 0, over: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Len(tt.in, tt.limit)
			if err != nil {
				t.Fatalf("Len error = %v", err)
			}
			if (got > tt.limit) != tt.over {
				t.Errorf("Len = %d with limit %d, want over %v", got, tt.limit, tt.over)
			}
		})
	}
}

func TestLenAllocatesNothing(t *testing.T) {
	v, err := Decode(readTestdata(t, "lambda_envelope.json"))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{
		"envelope": v,
		"scalars":  []any{1.5e-7, -123.456, math.MaxFloat64, 42, int64(-7), "a\n\u2028\xff", json.Number("1e3"), true, nil},
	}
	for name, v := range values {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := Len(v, -1); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: Len allocates %v times per call, want 0", name, allocs)
		}
	}
}
