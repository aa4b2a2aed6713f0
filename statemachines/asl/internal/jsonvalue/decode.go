package jsonvalue

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is how deeply arrays and objects may nest; encoding/json rejects
// a document that nests deeper.
const maxDepth = 10000

// Decode parses data as exactly one JSON value, optionally surrounded by
// whitespace. The result equals what a json.Decoder with UseNumber produces
// for the same data: numbers are json.Number, arrays []any, objects
// map[string]any (the last of duplicate keys wins), and strings have invalid
// UTF-8 and unpaired surrogate escapes replaced by U+FFFD. Decode accepts
// exactly the documents that decoder accepts when followed by io.EOF; an
// error names the problem and its byte offset.
func Decode(data []byte) (any, error) {
	d := decoder{data: data, cache: make([]cacheEntry, cacheSize(len(data)))}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.unexpected("after the JSON value")
	}
	return v, nil
}

// decoder is the state of one Decode call.
type decoder struct {
	data    []byte
	pos     int
	elems   []any        // elements of the arrays being parsed, innermost last
	members []member     // members of the objects being parsed, innermost last
	buf     []byte       // scratch for strings with escapes or invalid UTF-8
	cache   []cacheEntry // short texts already seen; see cacheEntry
}

// member is one key:value pair of an object being parsed.
type member struct {
	key string
	val any
}

// syntaxError reports why and where Decode rejected its input.
type syntaxError struct {
	msg    string
	offset int
}

// Error implements error.
func (e *syntaxError) Error() string {
	return fmt.Sprintf("jsonvalue: %s at offset %d", e.msg, e.offset)
}

// unexpected reports the byte at d.pos, or the end of the input, as
// unexpected in the given context.
func (d *decoder) unexpected(context string) error {
	return d.unexpectedAt(d.pos, context)
}

// unexpectedAt is unexpected for the byte at offset i.
func (d *decoder) unexpectedAt(i int, context string) error {
	if i >= len(d.data) {
		return &syntaxError{msg: "unexpected end of input " + context, offset: i}
	}
	return &syntaxError{msg: "invalid character " + quoteByte(d.data[i]) + " " + context, offset: i}
}

// quoteByte renders c for an error message, as encoding/json does.
func quoteByte(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string([]byte{c}))
	return "'" + s[1:len(s)-1] + "'"
}

// skipSpace advances past JSON whitespace.
func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value parses the value after any whitespace at d.pos; depth is the
// number of arrays and objects that enclose it.
func (d *decoder) value(depth int) (any, error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, d.unexpected("looking for beginning of value")
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		return d.stringValue()
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == 't':
		return d.literal("true", true)
	case c == 'f':
		return d.literal("false", false)
	case c == 'n':
		return d.literal("null", nil)
	}
	return nil, d.unexpected("looking for beginning of value")
}

// literal parses the keyword word, whose value is v.
func (d *decoder) literal(word string, v any) (any, error) {
	for i := 0; i < len(word); i++ {
		if d.pos+i >= len(d.data) || d.data[d.pos+i] != word[i] {
			return nil, d.unexpectedAt(d.pos+i, "in literal "+word)
		}
	}
	d.pos += len(word)
	return v, nil
}

// number parses a number, kept as its text.
func (d *decoder) number() (any, error) {
	start := d.pos
	end, ok := scanNumber(d.data, start)
	if !ok {
		return nil, d.unexpectedAt(end, "in numeric literal")
	}
	d.pos = end
	return d.numberOf(d.data[start:end]), nil
}

// scanNumber returns the index just past the JSON number starting at s[i].
// When s holds no valid number there, it returns the index of the first
// byte that breaks the grammar (len(s) if s ends too early) and false.
func scanNumber[T string | []byte](s T, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return i, false
	case s[i] == '0':
		i++
	case '1' <= s[i] && s[i] <= '9':
		i = skipDigits(s, i+1)
	default:
		return i, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
		i = skipDigits(s, i+1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
		i = skipDigits(s, i+1)
	}
	return i, true
}

// skipDigits returns the index of the first non-digit at or after s[i].
func skipDigits[T string | []byte](s T, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// open steps over the '[' or '{' at d.pos, nested depth deep, and reports
// whether the container is empty: whether end follows at once.
func (d *decoder) open(depth int, end byte) (bool, error) {
	if depth > maxDepth {
		return false, &syntaxError{msg: fmt.Sprintf("arrays and objects nest more than %d deep", maxDepth), offset: d.pos}
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == end {
		d.pos++
		return true, nil
	}
	return false, nil
}

// array parses an array at d.pos, nested depth deep.
func (d *decoder) array(depth int) (any, error) {
	if empty, err := d.open(depth, ']'); err != nil || empty {
		return []any{}, err
	}
	base := len(d.elems)
	for {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.elems = append(d.elems, v)
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ',' && d.data[d.pos] != ']' {
			return nil, d.unexpected("after array element")
		}
		d.pos++
		if d.data[d.pos-1] == ']' {
			break
		}
	}
	out := make([]any, len(d.elems)-base)
	copy(out, d.elems[base:])
	d.elems = d.elems[:base]
	return out, nil
}

// object parses an object at d.pos, nested depth deep.
func (d *decoder) object(depth int) (any, error) {
	if empty, err := d.open(depth, '}'); err != nil || empty {
		return map[string]any{}, err
	}
	base := len(d.members)
	for {
		if err := d.member(depth); err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ',' && d.data[d.pos] != '}' {
			return nil, d.unexpected("after object key:value pair")
		}
		d.pos++
		if d.data[d.pos-1] == '}' {
			break
		}
		d.skipSpace()
	}
	out := make(map[string]any, len(d.members)-base)
	for _, m := range d.members[base:] {
		out[m.key] = m.val
	}
	d.members = d.members[:base]
	return out, nil
}

// member parses one key:value pair at d.pos and pushes it on d.members.
func (d *decoder) member(depth int) error {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return d.unexpected("looking for beginning of object key string")
	}
	text, err := d.str()
	if err != nil {
		return err
	}
	key := d.key(text)
	d.skipSpace()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return d.unexpected("after object key")
	}
	d.pos++
	v, err := d.value(depth)
	if err != nil {
		return err
	}
	d.members = append(d.members, member{key: key, val: v})
	return nil
}

// stringValue parses a string at d.pos as a value.
func (d *decoder) stringValue() (any, error) {
	text, err := d.str()
	if err != nil {
		return nil, err
	}
	return d.stringOf(text), nil
}

// str parses the string whose opening quote is at d.pos and returns its
// contents, which alias d.data or d.buf until the next call.
func (d *decoder) str() ([]byte, error) {
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			d.pos = i + 1
			return d.data[start:i], nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return d.strSlow(start, i)
		}
	}
	return nil, d.unexpectedAt(len(d.data), "in string literal")
}

// strSlow finishes parsing a string that starts at data[start] and whose
// plain ASCII prefix ends at data[i], unescaping into d.buf.
func (d *decoder) strSlow(start, i int) ([]byte, error) {
	b := append(d.buf[:0], d.data[start:i]...)
	var err error
	for i < len(d.data) {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return b, nil
		case c == '\\':
			if b, i, err = d.escape(b, i); err != nil {
				return nil, err
			}
		case c < 0x20:
			return nil, d.unexpectedAt(i, "in string literal")
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, unicode.ReplacementChar)
			} else {
				b = append(b, d.data[i:i+size]...)
			}
			i += size
		}
	}
	return nil, d.unexpectedAt(len(d.data), "in string literal")
}

// escape appends the character that the escape sequence at data[i] stands
// for to b and returns the index after the sequence. As in encoding/json, a
// \u escape of a surrogate that does not pair with the next escape becomes
// U+FFFD.
func (d *decoder) escape(b []byte, i int) ([]byte, int, error) {
	if i+1 >= len(d.data) {
		return b, i, d.unexpectedAt(i+1, "in string escape code")
	}
	switch c := d.data[i+1]; c {
	case '"', '\\', '/':
		return append(b, c), i + 2, nil
	case 'b':
		return append(b, '\b'), i + 2, nil
	case 'f':
		return append(b, '\f'), i + 2, nil
	case 'n':
		return append(b, '\n'), i + 2, nil
	case 'r':
		return append(b, '\r'), i + 2, nil
	case 't':
		return append(b, '\t'), i + 2, nil
	case 'u':
		return d.escapeU(b, i)
	}
	return b, i, d.unexpectedAt(i+1, "in string escape code")
}

// escapeU handles the \uXXXX escape at data[i], pairing surrogates.
func (d *decoder) escapeU(b []byte, i int) ([]byte, int, error) {
	r, bad := hex4(d.data, i+2)
	if bad >= 0 {
		return b, i, d.unexpectedAt(bad, "in \\u hexadecimal character escape")
	}
	i += 6
	if utf16.IsSurrogate(r) {
		if i+1 < len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
			if r2, bad := hex4(d.data, i+2); bad < 0 {
				if pair := utf16.DecodeRune(r, r2); pair != unicode.ReplacementChar {
					return utf8.AppendRune(b, pair), i + 6, nil
				}
			}
		}
		r = unicode.ReplacementChar
	}
	return utf8.AppendRune(b, r), i, nil
}

// hex4 decodes the four hex digits at s[i:]. bad is -1 on success, or else
// the index of the first byte that is not a hex digit (len(s) if s ends).
func hex4(s []byte, i int) (r rune, bad int) {
	for j := i; j < i+4; j++ {
		if j >= len(s) {
			return 0, j
		}
		c := s[j]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, j
		}
		r = r<<4 | rune(c)
	}
	return r, -1
}

// cacheEntry holds one short text seen in the document, with the value it
// was last boxed as (a string or a json.Number). Documents repeat keys and
// short values (an array of objects repeats every key), so reusing them
// saves most of the allocations; the values are immutable, so sharing them
// is safe.
type cacheEntry struct {
	text string
	val  any
}

// maxCached is the length of the longest text the cache holds.
const maxCached = 32

// cacheSize returns the number of cache entries for a document of n bytes:
// a power of two, about one for every 32 bytes, at most 256; none for a
// document too small to repeat much.
func cacheSize(n int) int {
	if n < 128 {
		return 0
	}
	size := 4
	for size < 256 && size*32 < n {
		size *= 2
	}
	return size
}

// entry returns the cache entry for text b, taking it over for b if it
// held another text, or nil if b is not cached.
func (d *decoder) entry(b []byte) *cacheEntry {
	if len(b) > maxCached || len(d.cache) == 0 {
		return nil
	}
	e := &d.cache[hashText(b)&uint64(len(d.cache)-1)]
	if e.text != string(b) {
		*e = cacheEntry{text: string(b)}
	}
	return e
}

// hashText mixes the length and the first, middle and last eight bytes of
// b, which is at most maxCached long; cheaper than hashing every byte, and
// keys and short values seldom differ only elsewhere.
func hashText(b []byte) uint64 {
	var first, middle, last uint64
	if n := len(b); n >= 8 {
		first = binary.LittleEndian.Uint64(b)
		middle = binary.LittleEndian.Uint64(b[n/2-4:])
		last = binary.LittleEndian.Uint64(b[n-8:])
	} else {
		for i, c := range b {
			first |= uint64(c) << (8 * i)
		}
	}
	h := (first ^ middle*0x9e3779b97f4a7c15 ^ last*0xc2b2ae3d27d4eb4f ^ uint64(len(b))) * 0xbf58476d1ce4e5b9
	return h ^ h>>29
}

// key returns b as a string, shared with earlier equal keys.
func (d *decoder) key(b []byte) string {
	if e := d.entry(b); e != nil {
		return e.text
	}
	return string(b)
}

// stringOf returns b as a boxed string, shared with earlier equal strings.
func (d *decoder) stringOf(b []byte) any {
	e := d.entry(b)
	if e == nil {
		return string(b)
	}
	if _, ok := e.val.(string); !ok {
		e.val = e.text
	}
	return e.val
}

// numberOf returns b as a boxed json.Number, shared with earlier equal
// numbers.
func (d *decoder) numberOf(b []byte) any {
	e := d.entry(b)
	if e == nil {
		return json.Number(b)
	}
	if _, ok := e.val.(json.Number); !ok {
		e.val = json.Number(e.text)
	}
	return e.val
}
