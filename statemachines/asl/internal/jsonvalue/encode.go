package jsonvalue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// maxFastDepth is how deeply Append nests arrays and objects itself before
// handing the rest to encoding/json, which detects cycles from that depth on.
const maxFastDepth = 1000

// Append appends the compact JSON encoding of v to dst. The bytes are those
// a json.Encoder with SetEscapeHTML(false) writes, without the trailing
// newline. nil, bool, string, json.Number, float64, int, int64, []any and
// map[string]any are encoded directly, and a Raw's text is copied as it
// is; any other type is handed to encoding/json. On error Append returns
// dst unchanged and the error encoding/json would report (an invalid
// json.Number, a NaN or infinite float, an unsupported type, a cycle).
func Append(dst []byte, v any) ([]byte, error) {
	var e encoder
	out, err := e.value(dst, v, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// encoder is the state of one Append call.
type encoder struct {
	keys []string // keys of the maps being encoded, innermost last
}

// value appends v, which is nested depth arrays and objects deep.
func (e *encoder) value(b []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case string:
		return appendString(b, v), nil
	case json.Number:
		return appendNumber(b, v)
	case float64:
		return appendFloat(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case []any:
		return e.array(b, v, depth+1)
	case map[string]any:
		return e.object(b, v, depth+1)
	case Raw:
		return appendRaw(b, v), nil
	}
	return appendStd(b, v)
}

// appendRaw appends r's text, which is already what Append would write
// for it; an empty Raw is null.
func appendRaw(b []byte, r Raw) []byte {
	if len(r) == 0 {
		return append(b, "null"...)
	}
	return append(b, r...)
}

// array appends a, which is nested depth deep.
func (e *encoder) array(b []byte, a []any, depth int) ([]byte, error) {
	if a == nil {
		return append(b, "null"...), nil
	}
	if depth > maxFastDepth {
		return appendStd(b, a)
	}
	b = append(b, '[')
	var err error
	for i, v := range a {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = e.value(b, v, depth); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// object appends m with its keys in Go string order, as encoding/json
// sorts them; m is nested depth deep.
func (e *encoder) object(b []byte, m map[string]any, depth int) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	if depth > maxFastDepth {
		return appendStd(b, m)
	}
	base := len(e.keys)
	for k := range m {
		e.keys = append(e.keys, k)
	}
	keys := e.keys[base:]
	slices.Sort(keys)
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if b, err = e.value(b, m[k], depth); err != nil {
			return b, err
		}
	}
	e.keys = e.keys[:base]
	return append(b, '}'), nil
}

// appendString appends s quoted as encoding/json does without HTML
// escaping: '"' and '\\' escaped, \b \f \n \r \t as short escapes, other
// control characters as \u00XX, U+2028 and U+2029 escaped, and each byte
// of invalid UTF-8 as \ufffd.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendNumber appends n as written; like encoding/json it writes an empty
// Number as 0 and rejects text that is not a JSON number.
func appendNumber(b []byte, n json.Number) ([]byte, error) {
	s, err := numberText(n)
	if err != nil {
		return b, err
	}
	return append(b, s...), nil
}

// numberText returns the text appendNumber writes for n: n itself, or 0
// for an empty Number, or an error when the text is not a JSON number.
func numberText(n json.Number) (string, error) {
	s := string(n)
	if s == "" {
		s = "0"
	}
	if end, ok := scanNumber(s, 0); !ok || end != len(s) {
		return "", fmt.Errorf("jsonvalue: invalid number literal %q", s)
	}
	return s, nil
}

// appendFloat appends f as encoding/json formats a float64: like %g but
// switching to an exponent only below 1e-6 or from 1e21, with no leading
// zero in a negative exponent. NaN and infinities are left to encoding/json,
// which rejects them.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return appendStd(b, f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendStd appends v as encoded by encoding/json with SetEscapeHTML(false),
// for the types Append does not handle itself.
func appendStd(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}
