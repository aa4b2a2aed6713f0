package jsonvalue

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// fuzzSeeds returns documents that reach the corners of the grammar.
func fuzzSeeds() []string {
	return []string{
		`null`, `true`, ` false `, `0`, `-0.0e+0`, `1E400`, `01`, `1.`, `-`, `.5`, `+1`, `1e`,
		`""`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\ud83d\ude00"`, `"\ud83d"`, `"\ude00\ud83d\u0041"`,
		`"\ud83d\ud83d\ude00"`, "\"\xff\xe2\x82\xed\xa0\x80\x7f\"", "\"\x01\"", `"\'"`, `"\u12G4"`,
		`[]`, `[1,[2,[3]],{}]`, `[1,]`, `{"a":1,"a":2}`, `{"\u0061":{"b":[null]}}`, `{"a" 1}`, `{1:1}`,
		`1 2`, `[1]]`, "1\x00", `[[[[[[[[[[]]]]]]]]]]`, `"\uDBFF\uDFFF\uD800\uDC00"`, `"\u2028\u2029"`,
		"{\"a\":[1,{\"b\":null}],\r\n\t\"c\":\"\xe2\x80\xa8\"}", `[-]`, `-0e-0`, `1E+2`, `[1e1.5]`, `{"a":1}}`,
	}
}

// addDocumentSeeds seeds f with the tricky documents and the fixtures.
func addDocumentSeeds(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
	f.Add(readTestdata(f, "lambda_envelope.json"))
	f.Add(readTestdata(f, "definition.json"))
}

// FuzzDecode feeds any bytes to Decode and to encoding/json: both must
// accept or both reject, and the values must be deeply equal.
func FuzzDecode(f *testing.F) {
	addDocumentSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data)
		want, stdErr := stdDecode(data)
		if (err != nil) != (stdErr != nil) {
			t.Fatalf("Decode(%q) error = %v, encoding/json error = %v", data, err, stdErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %#v, encoding/json = %#v", data, got, want)
		}
	})
}

// FuzzAppend round-trips any document encoding/json accepts: both encoders
// must write the same bytes for the decoded value.
func FuzzAppend(f *testing.F) {
	addDocumentSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := stdDecode(data)
		if err != nil {
			return
		}
		checkAppend(t, v)
	})
}

// FuzzAppendScalars covers what decoding never yields: strings with invalid
// UTF-8, Number text that is not a number, and the Go numbers the
// interpreter produces.
func FuzzAppendScalars(f *testing.F) {
	f.Add("a\xff\u2028<>&\x00\x7f", "-1.5e+07", 1e21, int64(-1))
	f.Add("", "", 1e-7, int64(math.MaxInt64))
	f.Add("\xed\xa0\x80", "01", math.Copysign(0, -1), int64(0))
	f.Add("\b\f\n\r\t\"\\", "1.", math.NaN(), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, s, n string, x float64, i int64) {
		checkAppend(t, s)
		checkAppend(t, json.Number(n))
		checkAppend(t, x)
		checkAppend(t, i)
		checkAppend(t, int(i))
		checkAppend(t, map[string]any{s: []any{json.Number(n), x, i, s}, n: s})
	})
}

// FuzzLen measures every document encoding/json accepts: Len must count
// the bytes Append writes for the decoded value.
func FuzzLen(f *testing.F) {
	addDocumentSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := stdDecode(data)
		if err != nil {
			return
		}
		checkLen(t, v)
	})
}

// checkAppend fails t unless Append and encoding/json agree on v, and Len
// measures what Append wrote.
func checkAppend(t *testing.T, v any) {
	t.Helper()
	got, err := Append(nil, v)
	want, stdErr := stdEncode(v)
	if (err != nil) != (stdErr != nil) {
		t.Fatalf("Append(%#v) error = %v, encoding/json error = %v", v, err, stdErr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Append(%#v) = %q, encoding/json = %q", v, got, want)
	}
	checkLen(t, v)
}

// checkLen fails t unless Len(v) is the length of Append's bytes, or both
// fail, and unless a limit around that length gives the right answer.
func checkLen(t *testing.T, v any) {
	t.Helper()
	enc, encErr := Append(nil, v)
	n, err := Len(v, -1)
	if (err != nil) != (encErr != nil) {
		t.Fatalf("Len(%#v) error = %v, Append error = %v", v, err, encErr)
	}
	if encErr != nil {
		return
	}
	if n != len(enc) {
		t.Fatalf("Len(%#v) = %d, Append wrote %d bytes: %q", v, n, len(enc), enc)
	}
	for _, limit := range []int{len(enc), len(enc) - 1, len(enc) / 2, 0} {
		got, err := Len(v, limit)
		if over := len(enc) > limit; over != (got > limit) || !over && (got != len(enc) || err != nil) {
			t.Fatalf("Len(%#v, %d) = %d, %v; Append wrote %d bytes", v, limit, got, err, len(enc))
		}
	}
}

// FuzzDecodeLazy checks DecodeLazy against Decode on any bytes: the same
// errors, a value that expands to Decode's, an encoding that decodes to
// the same value as Append of Decode's, and members and elements that
// navigation reads as Decode reads them.
func FuzzDecodeLazy(f *testing.F) {
	addDocumentSeeds(f)
	for _, s := range []string{`{"a":[1,{"b":"c"}],"d":{}}`, `[{"a":1},{"a":2}]`, `{"a":1,"a":2}`, "[\"\u2028\"]", `{"a": 1}`, nested(maxRawDepth + 1)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeLazy(data)
		full, fullErr := Decode(data)
		if (err != nil) != (fullErr != nil) {
			t.Fatalf("DecodeLazy(%q) error = %v, Decode error = %v", data, err, fullErr)
		}
		if err != nil {
			return
		}
		checkLazy(t, data, got)
		fullEnc, _ := Append(nil, full)
		lazyEnc, _ := Append(nil, got)
		if len(fullEnc) != len(lazyEnc) {
			t.Fatalf("Append(DecodeLazy(%q)) = %q, Append(Decode) = %q", data, lazyEnc, fullEnc)
		}
		if r, ok := got.(Raw); ok {
			checkNavigation(t, r, full)
		}
	})
}

// checkNavigation fails t unless Member, Index, Count and Shallow read r
// as the decoded value full.
func checkNavigation(t *testing.T, r Raw, full any) {
	t.Helper()
	if !reflect.DeepEqual(Expand(r.Shallow()), full) {
		t.Fatalf("Expand(Shallow(%q)) = %#v, want %#v", r, Expand(r.Shallow()), full)
	}
	switch full := full.(type) {
	case map[string]any:
		if r.Count() != len(full) {
			t.Fatalf("Count(%q) = %d, want %d", r, r.Count(), len(full))
		}
		for k, want := range full {
			if v, ok := r.Member(k); !ok || !reflect.DeepEqual(Expand(v), want) {
				t.Fatalf("Member(%q) of %q = %#v, %v; want %#v", k, r, v, ok, want)
			}
		}
	case []any:
		if r.Count() != len(full) {
			t.Fatalf("Count(%q) = %d, want %d", r, r.Count(), len(full))
		}
		for i, want := range full {
			if v, ok := r.Index(i); !ok || !reflect.DeepEqual(Expand(v), want) {
				t.Fatalf("Index(%d) of %q = %#v, %v; want %#v", i, r, v, ok, want)
			}
		}
	}
}

// FuzzRawNavigation reads any bytes as a Raw, as no caller should make
// one: navigation may give odd values but must not panic or loop.
func FuzzRawNavigation(f *testing.F) {
	addDocumentSeeds(f)
	for _, s := range []string{`{"a`, `{"a":`, `[,,]`, `{:}`, `["]`, `{"a"}`, `{}}`, `[[`, `"`, `{"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Raw(data)
		r.Member("a")
		r.Member("")
		r.Index(0)
		r.Index(1)
		r.Count()
		r.Shallow()
		Expand(r)
		_, _ = Append(nil, r)
		_, _ = Len(r, -1)
	})
}
