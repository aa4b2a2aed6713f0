package jsonpath

import (
	"strconv"
	"strings"
)

type stepKind int

const (
	kindField    stepKind = iota // one name, or a union of names
	kindIndex                    // one index, or a union of indexes
	kindWildcard                 // [*] or .*
	kindSlice                    // [from:to]
	kindFilter                   // [?(...)]
	kindFunc                     // .length()
)

// step is one selector of a path.
type step struct {
	kind    stepKind
	descent bool // preceded by ".."
	names   []string
	indexes []int
	slice   sliceSpec
	filter  node
	fn      string
}

// isSingle reports whether the step selects at most one child by name or
// index (a reference-path step).
func (s step) isSingle() bool {
	if s.descent {
		return false
	}
	switch s.kind {
	case kindField:
		return len(s.names) == 1
	case kindIndex:
		return len(s.indexes) == 1
	}
	return false
}

// isNameUnion reports whether the step is ['a','b',...] without "..".
func (s step) isNameUnion() bool {
	return s.kind == kindField && len(s.names) > 1 && !s.descent
}

// sliceSpec is an array slice [from:to]; a missing bound is nil.
type sliceSpec struct {
	from, to *int
}

// String renders the slice as written in Jayway's normalized form.
func (s sliceSpec) String() string {
	var b strings.Builder
	b.WriteByte('[')
	if s.from != nil {
		b.WriteString(strconv.Itoa(*s.from))
	}
	b.WriteByte(':')
	if s.to != nil {
		b.WriteString(strconv.Itoa(*s.to))
	}
	b.WriteByte(']')
	return b.String()
}

// parser reads a path expression; in filter mode it stops at the first
// character that cannot continue a path.
type parser struct {
	src    string
	pos    int
	filter bool // parsing a path embedded in a filter expression
}

func (ps *parser) fail(reason string) error {
	return &SyntaxError{Expr: ps.src, Pos: ps.pos, Reason: reason}
}

func (ps *parser) eof() bool { return ps.pos >= len(ps.src) }

func (ps *parser) peek() byte {
	if ps.eof() {
		return 0
	}
	return ps.src[ps.pos]
}

func (ps *parser) skipSpace() {
	for !ps.eof() && isSpace(ps.src[ps.pos]) {
		ps.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parse compiles a whole expression.
func parse(expr string) (*Path, error) {
	ps := &parser{src: expr}
	p := &Path{expr: expr}
	if !strings.HasPrefix(expr, "$") {
		return nil, ps.fail("path must start with '$' or '$$'")
	}
	ps.pos = 1
	switch c := ps.peek(); {
	case c == '$':
		p.context = true
		ps.pos++
	case c != 0 && c != '.' && c != '[':
		p.variable = ps.variableName()
		if !IsVariableName(p.variable) {
			return nil, ps.fail("invalid variable name " + strconv.Quote(p.variable))
		}
	}
	steps, err := ps.steps()
	if err != nil {
		return nil, err
	}
	if !ps.eof() {
		return nil, ps.fail("unexpected character " + strconv.QuoteRune(rune(ps.peek())))
	}
	p.steps = steps
	return p, nil
}

// variableName reads the name after the "$" of a variable path, up to the
// first '.' or '['.
func (ps *parser) variableName() string {
	start := ps.pos
	for !ps.eof() && ps.peek() != '.' && ps.peek() != '[' {
		ps.pos++
	}
	return ps.src[start:ps.pos]
}

// steps reads selectors until the end of the path.
func (ps *parser) steps() ([]step, error) {
	var out []step
	for !ps.eof() {
		if len(out) > 0 && out[len(out)-1].kind == kindFunc {
			return nil, ps.fail("a function must be the last element of a path")
		}
		c := ps.peek()
		if c != '.' && c != '[' {
			if ps.filter {
				return out, nil
			}
			return nil, ps.fail("expected '.' or '['")
		}
		s, err := ps.step()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// step reads one selector starting at '.' or '['.
func (ps *parser) step() (step, error) {
	if ps.peek() == '[' {
		return ps.bracket()
	}
	ps.pos++ // '.'
	descent := false
	if ps.peek() == '.' {
		descent = true
		ps.pos++
	}
	if ps.eof() {
		return step{}, ps.fail("path must not end with '.' or '..'")
	}
	var s step
	var err error
	switch ps.peek() {
	case '[':
		if !descent {
			return step{}, ps.fail("unexpected '[' after '.'")
		}
		s, err = ps.bracket()
	case '*':
		ps.pos++
		s = step{kind: kindWildcard}
	case '.':
		return step{}, ps.fail("unexpected '.'")
	default:
		s, err = ps.dotName()
	}
	if descent && s.kind == kindFunc {
		return step{}, ps.fail("a function cannot follow '..'")
	}
	s.descent = descent
	return s, err
}

// dotName reads a field name in dot notation, or a function call.
func (ps *parser) dotName() (step, error) {
	start := ps.pos
	for !ps.eof() {
		c := ps.peek()
		if c == '.' || c == '[' || c == '(' || (ps.filter && endsFilterName(c)) {
			break
		}
		if isSpace(c) {
			return step{}, ps.fail("use bracket notation ['my prop'] if a field name contains blank characters")
		}
		ps.pos++
	}
	name := ps.src[start:ps.pos]
	if name == "" {
		return step{}, ps.fail("empty field name")
	}
	if ps.peek() == '(' {
		return ps.function(name)
	}
	return step{kind: kindField, names: []string{name}}, nil
}

func endsFilterName(c byte) bool {
	return isSpace(c) || strings.IndexByte(")=!<>&|,]", c) >= 0
}

// function reads the "()" of a function call; only length() is supported.
func (ps *parser) function(name string) (step, error) {
	ps.pos++ // '('
	ps.skipSpace()
	if ps.peek() != ')' {
		return step{}, ps.fail("function arguments are not supported")
	}
	ps.pos++
	if name != "length" {
		return step{}, ps.fail("unsupported function " + name + "()")
	}
	return step{kind: kindFunc, fn: name}, nil
}

// bracket reads a [...] selector.
func (ps *parser) bracket() (step, error) {
	ps.pos++ // '['
	ps.skipSpace()
	var s step
	var err error
	switch c := ps.peek(); {
	case c == '\'' || c == '"':
		s, err = ps.quotedNames(c)
	case c == '*':
		ps.pos++
		s = step{kind: kindWildcard}
	case c == '?':
		s, err = ps.filterStep()
	default:
		s, err = ps.indexes()
	}
	if err != nil {
		return step{}, err
	}
	ps.skipSpace()
	if ps.peek() != ']' {
		return step{}, ps.fail("expected ']'")
	}
	ps.pos++
	return s, nil
}

// quotedNames reads 'a' or 'a','b' (one quote style per bracket). A
// backslash stops the next character from closing the name but, as in the
// Jayway version AWS runs, is kept in the name.
func (ps *parser) quotedNames(quote byte) (step, error) {
	var names []string
	for {
		ps.skipSpace()
		if ps.peek() != quote {
			return step{}, ps.fail("expected quoted field name")
		}
		name, err := ps.quoted(quote)
		if err != nil {
			return step{}, err
		}
		names = append(names, name)
		ps.skipSpace()
		if ps.peek() != ',' {
			return step{kind: kindField, names: names}, nil
		}
		ps.pos++
	}
}

// quoted reads one quoted name starting at its opening quote.
func (ps *parser) quoted(quote byte) (string, error) {
	ps.pos++
	start := ps.pos
	for escaped := false; !ps.eof(); ps.pos++ {
		c := ps.src[ps.pos]
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == quote:
			name := ps.src[start:ps.pos]
			ps.pos++
			return name, nil
		}
	}
	return "", ps.fail("field name is not closed, missing " + string(quote))
}

// indexes reads [0], [0,1], [1:], [:2] or [1:3].
func (ps *parser) indexes() (step, error) {
	first, err := ps.optInt()
	if err != nil {
		return step{}, err
	}
	ps.skipSpace()
	if ps.peek() == ':' {
		ps.pos++
		return ps.sliceRest(first)
	}
	if first == nil {
		return step{}, ps.fail("expected an index, slice, '*', quoted name or filter")
	}
	idx := []int{*first}
	for ps.peek() == ',' {
		ps.pos++
		n, err := ps.optInt()
		if err != nil {
			return step{}, err
		}
		if n == nil {
			return step{}, ps.fail("expected an index")
		}
		idx = append(idx, *n)
		ps.skipSpace()
	}
	return step{kind: kindIndex, indexes: idx}, nil
}

func (ps *parser) sliceRest(from *int) (step, error) {
	to, err := ps.optInt()
	if err != nil {
		return step{}, err
	}
	if from == nil && to == nil {
		return step{}, ps.fail("a slice needs a start or an end")
	}
	return step{kind: kindSlice, slice: sliceSpec{from: from, to: to}}, nil
}

// optInt reads an optional, possibly negative, integer.
func (ps *parser) optInt() (*int, error) {
	ps.skipSpace()
	start := ps.pos
	if ps.peek() == '-' {
		ps.pos++
	}
	for !ps.eof() && ps.peek() >= '0' && ps.peek() <= '9' {
		ps.pos++
	}
	text := ps.src[start:ps.pos]
	if text == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		ps.pos = start
		return nil, ps.fail("invalid index " + strconv.Quote(text))
	}
	v := int(n)
	return &v, nil
}
