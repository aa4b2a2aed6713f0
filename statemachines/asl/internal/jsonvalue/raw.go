package jsonvalue

import (
	"bytes"
	"unicode/utf8"
)

// Raw is the text of a JSON object or array that [DecodeLazy] has checked
// can be written out as it is: compact (no whitespace between tokens), no
// escape sequence, control character, invalid UTF-8, U+2028 or U+2029 in
// any string, and no repeated key in any object. Each string's bytes are
// then the bytes Append writes for it, so the whole text is what Append
// writes for the value, except that members keep the text's order.
//
// A Raw shares the bytes it was decoded from, which must not change. Only
// DecodeLazy, and the methods that return part of a Raw, make one; see
// the package documentation for where a Raw may go.
type Raw []byte

// MarshalJSON returns the text, so that encoding/json writes a Raw as JSON
// rather than as base64; an empty Raw is null.
func (r Raw) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// Limits on what DecodeLazy makes a Raw of, so that checking a text takes
// one pass and no allocation. A text beyond them is decoded instead.
const (
	// maxRawDepth is how deeply the arrays and objects of a Raw may nest.
	maxRawDepth = 64
	// maxRawKeys is how many keys the objects enclosing any point of a
	// Raw may have in all; each key is compared with its object's other
	// keys to find repeats.
	maxRawKeys = 128
)

// DecodeLazy parses data as Decode does, but returns an object or array
// that [Raw] can hold as a Raw of data's bytes (without the whitespace
// around the value) instead of decoding it. Anything else, a scalar or a
// text that breaks one of Raw's rules or the limits on its depth and keys,
// is decoded by Decode, with Decode's result and errors. Expand of the
// result equals what Decode returns for data.
func DecodeLazy(data []byte) (any, error) {
	if r, ok := rawText(data); ok {
		return r, nil
	}
	return Decode(data)
}

// rawText returns data, without the whitespace around it, as a Raw when
// it is an object or array that keeps Raw's rules.
func rawText(data []byte) (Raw, bool) {
	text := trimSpace(data)
	if len(text) == 0 || text[0] != '{' && text[0] != '[' {
		return nil, false
	}
	s := rawScanner{data: text}
	if !s.value(0) || s.pos != len(text) {
		return nil, false
	}
	return Raw(text), true
}

// trimSpace returns b without the JSON whitespace at either end.
func trimSpace(b []byte) []byte {
	start, end := 0, len(b)
	for start < end && isSpace(b[start]) {
		start++
	}
	for end > start && isSpace(b[end-1]) {
		end--
	}
	return b[start:end]
}

// isSpace reports whether c is JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// rawScanner checks a text against Raw's rules in one pass.
type rawScanner struct {
	data  []byte
	pos   int
	keys  [maxRawKeys]span // keys of the objects being scanned, innermost last
	nkeys int
}

// span is the contents of a string in the text, between its quotes.
type span struct{ start, end int }

// value checks the value at s.pos, which is nested depth arrays and
// objects deep, and steps past it.
func (s *rawScanner) value(depth int) bool {
	if s.pos >= len(s.data) {
		return false
	}
	switch s.data[s.pos] {
	case '"':
		return s.str()
	case '{':
		return s.object(depth + 1)
	case '[':
		return s.array(depth + 1)
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	end, ok := scanNumber(s.data, s.pos)
	s.pos = end
	return ok
}

// literal checks for the keyword word at s.pos.
func (s *rawScanner) literal(word string) bool {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return false
	}
	s.pos += len(word)
	return true
}

// next reports whether the byte at s.pos is c, and steps over it if so.
func (s *rawScanner) next(c byte) bool {
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// array checks the array at s.pos, nested depth deep.
func (s *rawScanner) array(depth int) bool {
	s.pos++
	if depth > maxRawDepth {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !s.value(depth) {
			return false
		}
		if s.next(']') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// object checks the object at s.pos, nested depth deep.
func (s *rawScanner) object(depth int) bool {
	s.pos++
	if depth > maxRawDepth {
		return false
	}
	if s.next('}') {
		return true
	}
	base := s.nkeys
	for {
		if !s.key(base) || !s.next(':') || !s.value(depth) {
			return false
		}
		if s.next('}') {
			s.nkeys = base
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// key checks the key at s.pos and that the object, whose keys start at
// s.keys[base], has not had it before.
func (s *rawScanner) key(base int) bool {
	start := s.pos + 1
	if s.pos >= len(s.data) || s.data[s.pos] != '"' || !s.str() {
		return false
	}
	k := s.data[start : s.pos-1]
	for _, prev := range s.keys[base:s.nkeys] {
		if prev.end-prev.start == len(k) && bytes.Equal(s.data[prev.start:prev.end], k) {
			return false
		}
	}
	if s.nkeys == len(s.keys) {
		return false
	}
	s.keys[s.nkeys] = span{start, s.pos - 1}
	s.nkeys++
	return true
}

// str checks the string whose opening quote is at s.pos: it must hold no
// escape, no control character, only valid UTF-8 and neither U+2028 nor
// U+2029, the characters Append would write differently.
func (s *rawScanner) str() bool {
	for i := s.pos + 1; i < len(s.data); {
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return true
		case c == '\\' || c < 0x20:
			return false
		case c < utf8.RuneSelf:
			i++
			continue
		}
		r, size := utf8.DecodeRune(s.data[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return false
}
