package jsonvalue

import (
	"encoding/json"
	"math"
	"unicode/utf8"
)

// Len returns the number of bytes Append would append for v, and the error
// Append would return. It counts without building the encoding, so it
// allocates nothing for the types Append encodes itself (a Raw counts as
// the length of its text); other types, and arrays and objects deeper than
// Append handles itself, are encoded with encoding/json to be measured.
//
// Len stops counting once the count passes limit: it then returns some
// number greater than limit, and no error for the part it did not look at.
// A negative limit counts the whole value. Len(v, limit) > limit reports
// whether the encoding is longer than limit at a cost that does not grow
// with the rest of a huge value.
func Len(v any, limit int) (int, error) {
	if limit < 0 {
		limit = math.MaxInt
	}
	c := counter{limit: limit}
	err := c.value(v, 0)
	return c.n, err
}

// counter is the state of one Len call.
type counter struct {
	n     int // bytes counted so far
	limit int // the count past which Len may stop
}

// over reports whether the count has passed the limit.
func (c *counter) over() bool { return c.n > c.limit }

// value counts v, which is nested depth arrays and objects deep; it follows
// encoder.value case by case.
func (c *counter) value(v any, depth int) error {
	switch v := v.(type) {
	case nil:
		c.n += len("null")
	case bool:
		c.n += boolLen(v)
	case string:
		c.string(v)
	case json.Number:
		return c.number(v)
	case float64:
		return c.float(v)
	case int:
		c.n += intLen(int64(v))
	case int64:
		c.n += intLen(v)
	case []any:
		return c.array(v, depth+1)
	case map[string]any:
		return c.object(v, depth+1)
	case Raw:
		c.n += rawLen(v)
	default:
		return c.std(v)
	}
	return nil
}

// array counts a, which is nested depth deep: brackets, commas and
// elements.
func (c *counter) array(a []any, depth int) error {
	if a == nil {
		c.n += len("null")
		return nil
	}
	if depth > maxFastDepth {
		return c.std(a)
	}
	c.n += 2 + max(len(a)-1, 0)
	for _, v := range a {
		if c.over() {
			return nil
		}
		if err := c.value(v, depth); err != nil {
			return err
		}
	}
	return nil
}

// object counts m, which is nested depth deep: braces, commas, keys,
// colons and values. Key order does not change the length, so m is
// walked in map order.
func (c *counter) object(m map[string]any, depth int) error {
	if m == nil {
		c.n += len("null")
		return nil
	}
	if depth > maxFastDepth {
		return c.std(m)
	}
	c.n += 2 + max(len(m)-1, 0) + len(m)
	for k, v := range m {
		if c.over() {
			return nil
		}
		c.string(k)
		if err := c.value(v, depth); err != nil {
			return err
		}
	}
	return nil
}

// string counts s quoted as appendString writes it. Escapes only lengthen
// a string, so a string whose raw bytes already pass the limit is not
// scanned.
func (c *counter) string(s string) {
	c.n += len(s) + 2
	if !c.over() {
		c.n += escapeGrowth(s)
	}
}

// number counts n as appendNumber writes it.
func (c *counter) number(n json.Number) error {
	c.n += max(len(n), 1)
	if c.over() {
		return nil
	}
	_, err := numberText(n)
	return err
}

// float counts f as appendFloat writes it, formatting it on the stack.
func (c *counter) float(f float64) error {
	var buf [32]byte
	b, err := appendFloat(buf[:0], f)
	c.n += len(b)
	return err
}

// std counts v as encoding/json encodes it.
func (c *counter) std(v any) error {
	b, err := appendStd(nil, v)
	c.n += len(b)
	return err
}

// rawLen is the length appendRaw writes for r: its text, or null.
func rawLen(r Raw) int {
	if len(r) == 0 {
		return len("null")
	}
	return len(r)
}

// boolLen is the length of true or false.
func boolLen(v bool) int {
	if v {
		return len("true")
	}
	return len("false")
}

// intLen is the number of bytes of i in decimal, sign included.
func intLen(i int64) int {
	n, u := 1, uint64(i)
	if i < 0 {
		n, u = 2, -u
	}
	for ; u >= 10; u /= 10 {
		n++
	}
	return n
}

// escapeGrowth is how many bytes appendString adds to s beyond its raw
// bytes and the two quotes. It follows appendString's rules: one byte for
// a short escape (\" \\ \b \f \n \r \t), five for another control
// character (\u00XX) or for a byte of invalid UTF-8 (\ufffd), and three
// for U+2028 or U+2029 (\u202X in place of three bytes of UTF-8).
func escapeGrowth(s string) int {
	grow := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c < 0x20 || c == '"' || c == '\\' {
				grow += asciiEscapeGrowth(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			grow += len(`\ufffd`) - 1
		case r == '\u2028' || r == '\u2029':
			grow += len(`\u2028`) - len("\u2028")
		}
	}
	return grow
}

// asciiEscapeGrowth is how many bytes escaping the ASCII byte c adds; c is
// a control character, '"' or '\\'.
func asciiEscapeGrowth(c byte) int {
	switch c {
	case '"', '\\', '\b', '\f', '\n', '\r', '\t':
		return 1
	}
	return len(`\u0000`) - 1
}
