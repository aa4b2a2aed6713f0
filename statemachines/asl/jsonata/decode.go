package jsonata

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDecodeDepth bounds the nesting DecodeJSON accepts.
const maxDecodeDepth = 10000

// DecodeJSON reads one JSON value into the form Evaluate takes, with
// objects as [*Object] so that their member order is kept (as JSON.parse
// keeps it). A lone UTF-16 surrogate escape is kept as its WTF-8 bytes,
// so that functions that reject it in JavaScript reject it here too.
func DecodeJSON(data []byte) (any, error) {
	d := decoder{data: data}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos != len(d.data) {
		return nil, d.errorf("unexpected data after the JSON value")
	}
	return v, nil
}

type decoder struct {
	data []byte
	pos  int
}

// DecodeError is a JSON text DecodeJSON cannot read.
type DecodeError struct {
	Offset int
	Msg    string
}

func (e *DecodeError) Error() string {
	return "jsonata: invalid JSON at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

func (d *decoder) errorf(msg string) error { return &DecodeError{Offset: d.pos, Msg: msg} }

func (d *decoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDecodeDepth {
		return nil, d.errorf("nested too deeply")
	}
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	for _, lit := range []struct {
		text string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if bytes.HasPrefix(d.data[d.pos:], []byte(lit.text)) {
			d.pos += len(lit.text)
			return lit.v, nil
		}
	}
	return nil, d.errorf("unexpected character")
}

func (d *decoder) object(depth int) (any, error) {
	d.pos++
	o := newObject(4)
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return o, nil
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("expected a member name")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("expected ':'")
		}
		d.pos++
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		o.set(k, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return o, nil
		default:
			return nil, d.errorf("expected ',' or '}'")
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.pos++
	items := []any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return items, nil
	}
	for {
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return items, nil
		default:
			return nil, d.errorf("expected ',' or ']'")
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.pos
	for d.pos < len(d.data) && bytes.IndexByte([]byte("+-0123456789.eE"), d.data[d.pos]) >= 0 {
		d.pos++
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		d.pos = start
		return nil, d.errorf("invalid number")
	}
	return f, nil
}

func (d *decoder) str() (string, error) {
	d.pos++
	var b []byte
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return string(b), nil
		case c == '\\':
			if err := d.escape(&b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.errorf("control character in string")
		default:
			b = append(b, c)
			d.pos++
		}
	}
	return "", d.errorf("unterminated string")
}

func (d *decoder) escape(b *[]byte) error {
	if d.pos+1 >= len(d.data) {
		return d.errorf("unterminated escape")
	}
	c := d.data[d.pos+1]
	d.pos += 2
	switch c {
	case '"', '\\', '/':
		*b = append(*b, c)
	case 'b':
		*b = append(*b, '\b')
	case 'f':
		*b = append(*b, '\f')
	case 'n':
		*b = append(*b, '\n')
	case 'r':
		*b = append(*b, '\r')
	case 't':
		*b = append(*b, '\t')
	case 'u':
		r, ok := d.hex4()
		if !ok {
			return d.errorf("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) && r < 0xDC00 && d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
			save := d.pos
			d.pos += 2
			if lo, ok := d.hex4(); ok && lo >= 0xDC00 && lo < 0xE000 {
				*b = utf8.AppendRune(*b, utf16.DecodeRune(r, lo))
				return nil
			}
			d.pos = save
		}
		if utf16.IsSurrogate(r) {
			// WTF-8: the surrogate's three-byte form, invalid UTF-8
			*b = append(*b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
			return nil
		}
		*b = utf8.AppendRune(*b, r)
	default:
		return d.errorf("invalid escape")
	}
	return nil
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) || !isHex4(string(d.data[d.pos:d.pos+4])) {
		return 0, false
	}
	v, _ := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	d.pos += 4
	return rune(v), true
}

// MarshalJSON writes the object with its members in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	s, err := stringifyJSON(o)
	return []byte(s), err
}
