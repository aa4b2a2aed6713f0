package asl

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// decodeJSON parses one JSON value, keeping numbers as json.Number; it
// accepts and yields exactly what a json.Decoder with UseNumber does.
func decodeJSON(data []byte) (any, error) {
	return jsonvalue.Decode(data)
}

// encodeJSON renders v compactly, without HTML escaping, as Step Functions
// does; the bytes are those of a json.Encoder with SetEscapeHTML(false).
func encodeJSON(v any) ([]byte, error) {
	return jsonvalue.Append(nil, v)
}

// jsonText renders v for messages and history; values built by this package
// always encode, so a failure yields a placeholder rather than an error.
func jsonText(v any) string {
	b, err := encodeJSON(materialize(v))
	if err != nil {
		return "<unencodable>"
	}
	return string(b)
}

// compactJSON re-serialises a JSON text compactly, keeping member order and
// writing non-ASCII characters as UTF-8 (as the Lambda optimized integration
// does with a function's error payload). Invalid JSON is returned unchanged.
func compactJSON(text []byte) string {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var b strings.Builder
	if err := compactValue(dec, &b); err != nil {
		return string(text)
	}
	return b.String()
}

// compactValue copies one value from dec to b.
func compactValue(dec *json.Decoder, b *strings.Builder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return compactContainer(dec, b, t)
	default:
		enc, err := encodeJSON(t)
		if err != nil {
			return err
		}
		b.Write(enc)
		return nil
	}
}

// compactContainer copies the members of an object or array.
func compactContainer(dec *json.Decoder, b *strings.Builder, open json.Delim) error {
	b.WriteRune(rune(open))
	for i := 0; dec.More(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if open == '{' {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			enc, _ := encodeJSON(key)
			b.Write(enc)
			b.WriteByte(':')
		}
		if err := compactValue(dec, b); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if open == '{' {
		b.WriteByte('}')
	} else {
		b.WriteByte(']')
	}
	return nil
}
