package intrinsic

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// argKind says what an argument is.
type argKind int

const (
	argStr argKind = iota
	argNumber
	argBool
	argNull
	argPath
	argCall
)

// arg is one argument of a call.
type arg struct {
	kind argKind
	str  string // argStr: decoded value
	raw  string // argStr: text between the quotes, escapes intact
	num  json.Number
	b    bool
	path *jsonpath.Path
	call *call
	pos  int
}

// value returns the JSON value of a literal argument.
func (a arg) value() any {
	switch a.kind {
	case argStr:
		return a.str
	case argNumber:
		return a.num
	case argBool:
		return a.b
	}
	return nil
}

// call is a parsed States.X(...) call.
type call struct {
	name string
	fn   *function
	args []arg
	pos  int
}

type parser struct {
	src   string
	pos   int
	depth int
}

// maxDepth is the deepest nesting of calls AWS documents ("up to 10
// intrinsic functions within a field"). It also bounds the work a hostile
// expression can cause: each States.JsonToString level can double a string.
const maxDepth = 10

func (p *parser) fail(reason string) error {
	return &SyntaxError{Expr: p.src, Pos: p.pos, Reason: reason}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) skipSpace() {
	for !p.eof() && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

func parse(s string) (*call, error) {
	p := &parser{src: s}
	p.skipSpace()
	c, err := p.call()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		return nil, p.fail("unexpected text after the closing parenthesis")
	}
	return c, nil
}

// call reads States.Name(args).
func (p *parser) call() (*call, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.fail(fmt.Sprintf("intrinsic functions can be nested at most %d deep", maxDepth))
	}
	c := &call{pos: p.pos}
	if !strings.HasPrefix(p.src[p.pos:], "States.") {
		return nil, p.fail("expected a function name starting with 'States.'")
	}
	start := p.pos
	p.pos += len("States.")
	for !p.eof() && isIdent(p.peek()) {
		p.pos++
	}
	c.name = p.src[start:p.pos]
	c.fn = lookup(c.name)
	if c.fn == nil {
		p.pos = start
		return nil, p.fail("unknown function " + c.name)
	}
	p.skipSpace()
	if p.peek() != '(' {
		return nil, p.fail("expected '(' after " + c.name)
	}
	p.pos++
	args, err := p.args()
	if err != nil {
		return nil, err
	}
	c.args = args
	if err := c.fn.check(c); err != nil {
		return nil, &SyntaxError{Expr: p.src, Pos: c.pos, Reason: err.Error()}
	}
	return c, nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// args reads a comma separated list up to and including ')'.
func (p *parser) args() ([]arg, error) {
	var out []arg
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
		return out, nil
	}
	for {
		p.skipSpace()
		a, err := p.arg()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return out, nil
		default:
			return nil, p.fail("expected ',' or ')'")
		}
	}
}

// arg reads one argument.
func (p *parser) arg() (arg, error) {
	start := p.pos
	rest := p.src[p.pos:]
	switch c := p.peek(); {
	case c == '\'':
		return p.str()
	case c == '$':
		return p.path()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case strings.HasPrefix(rest, "States."):
		c, err := p.call()
		return arg{kind: argCall, call: c, pos: start}, err
	}
	for _, kw := range []struct {
		word string
		a    arg
	}{{"true", arg{kind: argBool, b: true}}, {"false", arg{kind: argBool}}, {"null", arg{kind: argNull}}} {
		if strings.HasPrefix(rest, kw.word) && (len(rest) == len(kw.word) || !isIdent(rest[len(kw.word)])) {
			p.pos += len(kw.word)
			kw.a.pos = start
			return kw.a, nil
		}
	}
	return arg{}, p.fail("expected a string, number, boolean, null, JSONPath or function call")
}

// str reads a quoted literal; a backslash escapes the next character.
func (p *parser) str() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		switch c {
		case '\\':
			p.pos++
			if p.eof() {
				return arg{}, p.fail("unterminated string literal")
			}
			b.WriteByte(p.src[p.pos])
		case '\'':
			p.pos++
			return arg{kind: argStr, str: b.String(), raw: p.src[start+1 : p.pos-1], pos: start}, nil
		default:
			b.WriteByte(c)
		}
		p.pos++
	}
	p.pos = start
	return arg{}, p.fail("unterminated string literal")
}

// number reads a JSON-style number.
func (p *parser) number() (arg, error) {
	start := p.pos
	for !p.eof() && strings.IndexByte("+-.eE0123456789", p.peek()) >= 0 {
		p.pos++
	}
	text := p.src[start:p.pos]
	if !isJSONNumber(text) {
		p.pos = start
		return arg{}, p.fail("invalid number " + strconv.Quote(text))
	}
	return arg{kind: argNumber, num: json.Number(text), pos: start}, nil
}

func isJSONNumber(s string) bool {
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil && s != ""
}

// path reads a JSONPath argument: everything up to a ',' or ')' that is
// not inside brackets, parentheses or quotes.
func (p *parser) path() (arg, error) {
	start := p.pos
	end := scanPath(p.src, p.pos)
	text := strings.TrimRight(p.src[start:end], " \t\r\n")
	jp, err := jsonpath.Compile(text)
	if err != nil {
		return arg{}, p.fail(err.Error())
	}
	p.pos = end
	return arg{kind: argPath, path: jp, pos: start}, nil
}

// scanPath returns the offset where the path starting at i ends.
func scanPath(s string, i int) int {
	depth := 0
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case (c == ']' || c == ')') && depth > 0:
			depth--
		case (c == ',' || c == ')') && depth == 0:
			return i
		}
	}
	return len(s) // a trailing backslash may have stepped past the end
}
