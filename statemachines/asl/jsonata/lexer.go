package jsonata

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a token.
type tokenKind uint8

const (
	tokEnd tokenKind = iota
	tokOperator
	tokName
	tokVariable
	tokString
	tokNumber
	tokValue // true, false, null
	tokRegex
)

// token is one lexical unit. pos is the offset just past it, as JSONata
// reports positions.
type token struct {
	kind  tokenKind
	str   string // operator, name, variable name (without '$'), string value, regex source
	num   float64
	value any // tokValue: true, false or nil
	flags string
	pos   int
}

// operators maps every operator to its binding power; '!' and '~' are not
// operators but end names.
var operators = map[string]int{
	".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0,
	"@": 80, "#": 80, ";": 80, ":": 80, "?": 20, "+": 50, "-": 50, "*": 60,
	"/": 60, "%": 60, "|": 20, "=": 40, "<": 40, ">": 40, "^": 40, "**": 60,
	"..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40, "~>": 40, "and": 30,
	"or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
}

// singleOperators holds the one-character operators.
const singleOperators = ".[]{}(),@#;:?+-*/%|=<>^&!~"

// lexer scans an expression one token at a time.
type lexer struct {
	src string
	pos int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' }

// next returns the next token. A '/' starts a regular expression unless
// infix is set (after an operand it divides).
func (l *lexer) next(infix bool) (token, error) {
	src := l.src
	for l.pos < len(src) && isSpace(src[l.pos]) {
		l.pos++
	}
	if l.pos >= len(src) {
		return token{kind: tokEnd, pos: len(src)}, nil
	}
	c := src[l.pos]
	if c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*' {
		start := l.pos
		end := strings.Index(src[l.pos+2:], "*/")
		if end < 0 {
			return token{}, &Error{Code: "S0106", Position: start}
		}
		l.pos += 2 + end + 2
		return l.next(infix)
	}
	if !infix && c == '/' {
		l.pos++
		return l.scanRegex()
	}
	if l.pos+1 < len(src) {
		two := src[l.pos : l.pos+2]
		switch two {
		case "..", ":=", "!=", ">=", "<=", "**", "~>":
			l.pos += 2
			return token{kind: tokOperator, str: two, pos: l.pos}, nil
		}
	}
	if strings.IndexByte(singleOperators, c) >= 0 {
		l.pos++
		return token{kind: tokOperator, str: src[l.pos-1 : l.pos], pos: l.pos}, nil
	}
	if c == '"' || c == '\'' {
		return l.scanString(c)
	}
	if t, ok, err := l.scanNumber(); ok || err != nil {
		return t, err
	}
	if c == '`' {
		end := strings.IndexByte(src[l.pos+1:], '`')
		if end < 0 {
			l.pos = len(src)
			return token{}, &Error{Code: "S0105", Position: l.pos}
		}
		name := src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		return token{kind: tokName, str: name, pos: l.pos}, nil
	}
	return l.scanName(), nil
}

func (l *lexer) scanName() token {
	src := l.src
	i := l.pos
	for i < len(src) && !isSpace(src[i]) && strings.IndexByte(singleOperators, src[i]) < 0 {
		i++
	}
	start := l.pos
	l.pos = i
	if src[start] == '$' {
		return token{kind: tokVariable, str: src[start+1 : i], pos: i}
	}
	name := src[start:i]
	switch name {
	case "or", "in", "and":
		return token{kind: tokOperator, str: name, pos: i}
	case "true":
		return token{kind: tokValue, value: true, pos: i}
	case "false":
		return token{kind: tokValue, value: false, pos: i}
	case "null":
		return token{kind: tokValue, value: nil, pos: i}
	}
	return token{kind: tokName, str: name, pos: i}
}

// scanNumber matches -?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?
func (l *lexer) scanNumber() (token, bool, error) {
	src := l.src
	i := l.pos
	if i < len(src) && src[i] == '-' {
		i++
	}
	digits := func(j int) int {
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
		return j
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && src[i] >= '1' && src[i] <= '9':
		i = digits(i)
	default:
		return token{}, false, nil
	}
	if i+1 < len(src) && src[i] == '.' && src[i+1] >= '0' && src[i+1] <= '9' {
		i = digits(i + 1)
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if k := digits(j); k > j {
			i = k
		}
	}
	text := src[l.pos:i]
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return token{}, false, &Error{Code: "S0102", Position: l.pos, Token: text}
	}
	l.pos = i
	return token{kind: tokNumber, num: f, pos: i}, true, nil
}

func (l *lexer) scanString(quote byte) (token, error) {
	src := l.src
	l.pos++
	var b strings.Builder
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\\':
			l.pos++
			if l.pos >= len(src) {
				return token{}, &Error{Code: "S0103", Position: l.pos}
			}
			if err := l.scanEscape(&b); err != nil {
				return token{}, err
			}
		case c == quote:
			l.pos++
			return token{kind: tokString, str: b.String(), pos: l.pos}, nil
		default:
			b.WriteByte(c)
		}
		l.pos++
	}
	return token{}, &Error{Code: "S0101", Position: l.pos}
}

func (l *lexer) scanEscape(b *strings.Builder) error {
	src := l.src
	switch c := src[l.pos]; c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		if l.pos+5 > len(src) || !isHex4(src[l.pos+1:l.pos+5]) {
			return &Error{Code: "S0104", Position: l.pos}
		}
		r, _ := strconv.ParseUint(src[l.pos+1:l.pos+5], 16, 32)
		l.pos += 4
		// a surrogate pair written as two escapes makes one character
		if r >= 0xD800 && r < 0xDC00 && l.pos+7 <= len(src) && src[l.pos+1] == '\\' && src[l.pos+2] == 'u' && isHex4(src[l.pos+3:l.pos+7]) {
			lo, _ := strconv.ParseUint(src[l.pos+3:l.pos+7], 16, 32)
			if lo >= 0xDC00 && lo < 0xE000 {
				b.WriteRune(rune((r-0xD800)<<10 + (lo - 0xDC00) + 0x10000))
				l.pos += 6
				return nil
			}
		}
		b.WriteRune(rune(r))
	default:
		_, size := utf8.DecodeRuneInString(src[l.pos:])
		return &Error{Code: "S0103", Position: l.pos, Token: src[l.pos : l.pos+size]}
	}
	return nil
}

func isHex4(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// scanRegex reads a regular expression after its opening '/': up to the
// first '/' that is neither escaped nor inside brackets, then the flags
// i and m.
func (l *lexer) scanRegex() (token, error) {
	src := l.src
	start := l.pos
	depth := 0
	for l.pos < len(src) {
		c := src[l.pos]
		if c == '/' && depth == 0 && !escapedAt(src, l.pos) {
			pattern := src[start:l.pos]
			if pattern == "" {
				return token{}, &Error{Code: "S0301", Position: l.pos}
			}
			l.pos++
			fstart := l.pos
			for l.pos < len(src) && (src[l.pos] == 'i' || src[l.pos] == 'm') {
				l.pos++
			}
			return token{kind: tokRegex, str: pattern, flags: src[fstart:l.pos], pos: l.pos}, nil
		}
		prevBackslash := l.pos > 0 && src[l.pos-1] == '\\'
		if (c == '(' || c == '[' || c == '{') && !prevBackslash {
			depth++
		}
		if (c == ')' || c == ']' || c == '}') && !prevBackslash {
			depth--
		}
		l.pos++
	}
	return token{}, &Error{Code: "S0302", Position: l.pos}
}

// escapedAt reports whether an odd number of backslashes precede src[i].
func escapedAt(src string, i int) bool {
	n := 0
	for i-n-1 >= 0 && src[i-n-1] == '\\' {
		n++
	}
	return n%2 == 1
}
