package picture

import (
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// jstr is a string as JavaScript sees it: a sequence of UTF-16 code
// units. JSONata's picture handling indexes, slices and searches strings
// by code unit, so the code that mirrors it works on jstr to keep the
// same positions for characters outside the Basic Multilingual Plane.
type jstr []uint16

// toJS converts a Go string to UTF-16 code units.
func toJS(s string) jstr {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		out := make(jstr, len(s))
		for i := 0; i < len(s); i++ {
			out[i] = uint16(s[i])
		}
		return out
	}
	return utf16.Encode([]rune(s))
}

// String converts code units back to a Go string; a lone surrogate
// becomes U+FFFD.
func (s jstr) String() string { return string(utf16Decode(s)) }

func utf16Decode(s jstr) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0xd800 || c > 0xdfff {
			out = append(out, rune(c))
			continue
		}
		if c < 0xdc00 && i+1 < len(s) && s[i+1] >= 0xdc00 && s[i+1] <= 0xdfff {
			out = append(out, utf16.DecodeRune(rune(c), rune(s[i+1])))
			i++
			continue
		}
		out = append(out, utf8.RuneError)
	}
	return out
}

func (s jstr) eq(t jstr) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// eqs compares with an ASCII string.
func (s jstr) eqs(t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != uint16(t[i]) {
			return false
		}
	}
	return true
}

// cat joins strings into a new one.
func cat(parts ...jstr) jstr {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make(jstr, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// toInt converts an integral index to int, saturating far beyond any
// string length.
func toInt(f float64) int {
	switch {
	case f > 1e9:
		return 1e9
	case f < -1e9:
		return -1e9
	case math.IsNaN(f):
		return 0
	}
	return int(f)
}

func clamp(i, lo, hi int) int {
	if i < lo {
		return lo
	}
	if i > hi {
		return hi
	}
	return i
}

// charAt is String.prototype.charAt: one code unit, or "" out of range.
func (s jstr) charAt(i int) jstr {
	if i < 0 || i >= len(s) {
		return nil
	}
	return s[i : i+1]
}

// substring is String.prototype.substring: bounds clamped, swapped when
// reversed.
func (s jstr) substring(a, b int) jstr {
	a, b = clamp(a, 0, len(s)), clamp(b, 0, len(s))
	if a > b {
		a, b = b, a
	}
	return s[a:b]
}

// from is substring(a) with no end.
func (s jstr) from(a int) jstr { return s.substring(a, len(s)) }

// slice is String.prototype.slice: negative bounds count from the end.
func (s jstr) slice(a, b int) jstr {
	a, b = sliceIndex(a, len(s)), sliceIndex(b, len(s))
	if a >= b {
		return nil
	}
	return s[a:b]
}

func sliceIndex(i, n int) int {
	if i < 0 {
		return clamp(n+i, 0, n)
	}
	return clamp(i, 0, n)
}

// substr is String.prototype.substr(start, length) as used with one or
// two arguments; a negative start counts from the end.
func (s jstr) substr(start, length int) jstr {
	start = sliceIndex(start, len(s))
	end := clamp(start+max(length, 0), start, len(s))
	return s[start:end]
}

// indexOf is String.prototype.indexOf with a start position.
func (s jstr) indexOf(sub jstr, from int) int {
	from = clamp(from, 0, len(s))
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i : i+len(sub)].eq(sub) {
			return i
		}
	}
	return -1
}

// lastIndexOf is String.prototype.lastIndexOf with no start position.
func (s jstr) lastIndexOf(sub jstr) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if s[i : i+len(sub)].eq(sub) {
			return i
		}
	}
	return -1
}

func (s jstr) contains(sub jstr) bool { return s.indexOf(sub, 0) != -1 }

// split is String.prototype.split with a string separator and no limit.
func (s jstr) split(sep jstr) []jstr {
	if len(sep) == 0 {
		out := make([]jstr, len(s))
		for i := range s {
			out[i] = s[i : i+1]
		}
		return out
	}
	var out []jstr
	start := 0
	for {
		i := s.indexOf(sep, start)
		if i == -1 {
			return append(out, s[start:])
		}
		out = append(out, s[start:i])
		start = i + len(sep)
	}
}

// replaceAll splits on sep and joins with with: str.split(sep).join(with).
func (s jstr) replaceAll(sep, with jstr) jstr {
	parts := s.split(sep)
	out := make(jstr, 0, len(s))
	for i, p := range parts {
		if i > 0 {
			out = append(out, with...)
		}
		out = append(out, p...)
	}
	return out
}

// replaceFirst is String.prototype.replace(pattern, replacement) with a
// string pattern, including the $-patterns of the replacement.
func (s jstr) replaceFirst(pattern, replacement jstr) jstr {
	i := s.indexOf(pattern, 0)
	if i == -1 {
		return s
	}
	before, matched, after := s[:i], s[i:i+len(pattern)], s[i+len(pattern):]
	var sub jstr
	for k := 0; k < len(replacement); k++ {
		c := replacement[k]
		if c != '$' || k+1 == len(replacement) {
			sub = append(sub, c)
			continue
		}
		switch replacement[k+1] {
		case '$':
			sub = append(sub, '$')
		case '&':
			sub = append(sub, matched...)
		case '`':
			sub = append(sub, before...)
		case '\'':
			sub = append(sub, after...)
		default:
			sub = append(sub, c)
			continue
		}
		k++
	}
	return cat(before, sub, after)
}

// isJSSpace reports whether c is JavaScript white space or a line
// terminator (the \s of its regular expressions and the set String.trim
// and parseInt skip).
func isJSSpace(c uint16) bool {
	switch c {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x00a0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return c >= 0x2000 && c <= 0x200a
}

// removeSpace drops every white-space code unit: str.split(/\s+/).join(”).
func (s jstr) removeSpace() jstr {
	out := make(jstr, 0, len(s))
	for _, c := range s {
		if !isJSSpace(c) {
			out = append(out, c)
		}
	}
	return out
}

// upper and lower change the case of ASCII letters, which is all that
// matters here: the strings JSONata changes the case of are ASCII (month
// and day names, numerals, number words) or are compared with ASCII
// afterwards. The one other character whose upper case is an ASCII roman
// numeral, dotless ı, is mapped too.
func (s jstr) upper() jstr {
	out := make(jstr, len(s))
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c == 0x131:
			c = 'I'
		}
		out[i] = c
	}
	return out
}

func (s jstr) lower() jstr {
	out := make(jstr, len(s))
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// codePoints splits s into code points as JavaScript's for-of does; a
// lone surrogate is its own code point.
func (s jstr) codePoints() []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0xd800 && c < 0xdc00 && i+1 < len(s) && s[i+1] >= 0xdc00 && s[i+1] <= 0xdfff {
			out = append(out, utf16.DecodeRune(rune(c), rune(s[i+1])))
			i++
			continue
		}
		out = append(out, rune(c))
	}
	return out
}

// fromCodePoint encodes one code point (String.fromCodePoint).
func fromCodePoint(r rune) jstr {
	if r >= 0x10000 {
		a, b := utf16.EncodeRune(r)
		return jstr{uint16(a), uint16(b)}
	}
	return jstr{uint16(r)}
}
