package jsonvalue

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The benchmarks use the Lambda invoke envelope of the account pipeline,
// the document the interpreter decodes and re-encodes most often: compact
// as a function returns it, and indented as a person writes an input.

// envelopes returns the benchmark documents by name.
func envelopes(b *testing.B) map[string][]byte {
	b.Helper()
	indented := readTestdata(b, "lambda_envelope.json")
	var compact bytes.Buffer
	if err := json.Compact(&compact, indented); err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{"compact": compact.Bytes(), "indented": indented}
}

// benchDecode measures decode on each envelope.
func benchDecode(b *testing.B, decode func([]byte) (any, error)) {
	for _, name := range []string{"compact", "indented"} {
		data := envelopes(b)[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchEncode measures encode on the decoded envelope.
func benchEncode(b *testing.B, encode func(any) ([]byte, error)) {
	v, err := stdDecode(envelopes(b)["compact"])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B)             { benchDecode(b, Decode) }
func BenchmarkDecodeEncodingJSON(b *testing.B) { benchDecode(b, stdDecode) }

// BenchmarkDecodeLazy checks the compact envelope and keeps it raw; the
// indented one fails the check at its first space and is decoded.
func BenchmarkDecodeLazy(b *testing.B) { benchDecode(b, DecodeLazy) }

func BenchmarkAppend(b *testing.B) {
	benchEncode(b, func(v any) ([]byte, error) { return Append(nil, v) })
}

func BenchmarkAppendEncodingJSON(b *testing.B) { benchEncode(b, stdEncode) }

func BenchmarkLen(b *testing.B) {
	benchEncode(b, func(v any) ([]byte, error) {
		_, err := Len(v, -1)
		return nil, err
	})
}

// BenchmarkLenSmall measures Len on a state output of the size most
// states pass on, bounded as the interpreter bounds it.
func BenchmarkLenSmall(b *testing.B) {
	v := map[string]any{"r": map[string]any{"id": json.Number("1"), "ok": true}}
	b.ReportAllocs()
	for b.Loop() {
		if n, _ := Len(v, 256*1024); n > 256*1024 {
			b.Fatal(n)
		}
	}
}
