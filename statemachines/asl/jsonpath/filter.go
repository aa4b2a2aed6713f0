package jsonpath

import (
	"encoding/json"
	"math/big"
	"regexp"
	"strings"
)

// node is a boolean filter expression.
type node interface {
	test(current, root any) bool
}

// operand is one side of a comparison.
type operand interface {
	resolve(current, root any) (any, bool)
}

type orNode struct{ l, r node }
type andNode struct{ l, r node }
type notNode struct{ x node }
type existsNode struct{ p operand }
type cmpNode struct {
	l, r operand
	op   string
	re   *regexp.Regexp // for =~
}

func (n orNode) test(c, r any) bool  { return n.l.test(c, r) || n.r.test(c, r) }
func (n andNode) test(c, r any) bool { return n.l.test(c, r) && n.r.test(c, r) }
func (n notNode) test(c, r any) bool { return !n.x.test(c, r) }

func (n existsNode) test(c, r any) bool {
	_, ok := n.p.resolve(c, r)
	return ok
}

// literal is a constant operand.
type literal struct{ v any }

func (l literal) resolve(_, _ any) (any, bool) { return l.v, true }

// pathOperand is @... (relative to the current element) or $... (the root).
type pathOperand struct {
	relative bool
	p        *Path
}

func (o pathOperand) resolve(current, root any) (any, bool) {
	base := root
	if o.relative {
		base = current
	}
	if o.p.IsDefinite() {
		v, err := o.p.getDefinite(base)
		return v, err == nil
	}
	all, err := o.p.getAll(base)
	return all, err == nil
}

// applyFilter keeps the elements of an array that satisfy the filter; on
// an object, Jayway tests the object itself.
func (s step) applyFilter(v, root any, out []any) []any {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if s.filter.test(e, root) {
				out = append(out, e)
			}
		}
	case map[string]any:
		if s.filter.test(t, root) {
			out = append(out, t)
		}
	}
	return out
}

// filterStep reads ?( expr ) (the '[' is already consumed).
func (ps *parser) filterStep() (step, error) {
	ps.pos++ // '?'
	ps.skipSpace()
	if ps.peek() != '(' {
		return step{}, ps.fail("expected '(' after '?'")
	}
	ps.pos++
	n, err := ps.orExpr(0)
	if err != nil {
		return step{}, err
	}
	ps.skipSpace()
	if ps.peek() != ')' {
		return step{}, ps.fail("expected ')' to close the filter")
	}
	ps.pos++
	return step{kind: kindFilter, filter: n}, nil
}

// maxFilterDepth bounds nesting so hostile input cannot exhaust the stack.
const maxFilterDepth = 32

func (ps *parser) orExpr(depth int) (node, error) {
	if depth > maxFilterDepth {
		return nil, ps.fail("filter is nested too deeply")
	}
	l, err := ps.andExpr(depth)
	for err == nil && ps.consume("||") {
		var r node
		r, err = ps.andExpr(depth)
		l = orNode{l, r}
	}
	return l, err
}

func (ps *parser) andExpr(depth int) (node, error) {
	l, err := ps.unary(depth)
	for err == nil && ps.consume("&&") {
		var r node
		r, err = ps.unary(depth)
		l = andNode{l, r}
	}
	return l, err
}

// consume skips space and then tok if it is next.
func (ps *parser) consume(tok string) bool {
	ps.skipSpace()
	if strings.HasPrefix(ps.src[ps.pos:], tok) {
		ps.pos += len(tok)
		return true
	}
	return false
}

func (ps *parser) unary(depth int) (node, error) {
	ps.skipSpace()
	switch {
	case ps.peek() == '!' && !strings.HasPrefix(ps.src[ps.pos:], "!="):
		ps.pos++
		x, err := ps.unary(depth + 1)
		return notNode{x}, err
	case ps.peek() == '(':
		ps.pos++
		x, err := ps.orExpr(depth + 1)
		if err == nil && !ps.consume(")") {
			err = ps.fail("expected ')'")
		}
		return x, err
	}
	return ps.comparison()
}

// comparisonOps lists operators longest first so that "<=" wins over "<".
var comparisonOps = [...]string{"==", "!=", "<=", ">=", "=~", "<", ">", " in ", " nin "}

func (ps *parser) comparison() (node, error) {
	l, err := ps.operand()
	if err != nil {
		return nil, err
	}
	op := ps.operator()
	if op == "" {
		if _, ok := l.(pathOperand); !ok {
			return nil, ps.fail("a filter needs a comparison or a path")
		}
		return existsNode{l}, nil
	}
	ps.skipSpace()
	if op == "=~" {
		return ps.regexComparison(l)
	}
	r, err := ps.operand()
	if err != nil {
		return nil, err
	}
	return cmpNode{l: l, r: r, op: op}, nil
}

// operator reads a comparison operator, or returns "".
func (ps *parser) operator() string {
	start := ps.pos
	for _, op := range comparisonOps {
		ps.pos = start
		word := strings.TrimSpace(op)
		if op[0] == ' ' {
			if !ps.consume(word) || !isSpace(ps.peek()) {
				continue
			}
			return word
		}
		if ps.consume(word) {
			return word
		}
	}
	ps.pos = start
	return ""
}

func (ps *parser) regexComparison(l operand) (node, error) {
	if ps.peek() != '/' {
		return nil, ps.fail("expected a /regex/ after =~")
	}
	end := regexEnd(ps.src, ps.pos+1)
	if end < 0 {
		return nil, ps.fail("regex is not closed")
	}
	body := ps.src[ps.pos+1 : end]
	ps.pos = end + 1
	flags := ""
	for ps.peek() >= 'a' && ps.peek() <= 'z' {
		if ps.peek() == 'i' {
			flags = "(?i)"
		}
		ps.pos++
	}
	re, err := regexp.Compile(flags + body)
	if err != nil {
		return nil, ps.fail("invalid regex: " + err.Error())
	}
	return cmpNode{l: l, op: "=~", re: re}, nil
}

// regexEnd returns the offset of the '/' that closes a regex starting at
// i, honouring backslash escapes, or -1.
func regexEnd(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '/':
			return i
		}
	}
	return -1
}

// operand reads a path, a quoted string, a number, true, false, null or
// a JSON array.
func (ps *parser) operand() (operand, error) {
	ps.skipSpace()
	switch c := ps.peek(); {
	case c == '@' || c == '$':
		return ps.pathOperand()
	case c == '\'' || c == '"':
		s, err := ps.quoted(c)
		return literal{s}, err
	case c == '[':
		return ps.arrayLiteral()
	}
	return ps.jsonLiteral()
}

// arrayLiteral reads [v, ...] whose items are quoted strings or JSON
// scalars, as used with in and nin.
func (ps *parser) arrayLiteral() (operand, error) {
	ps.pos++ // '['
	items := []any{}
	for !ps.consume("]") {
		if len(items) > 0 && !ps.consume(",") {
			return nil, ps.fail("expected ',' or ']' in the list")
		}
		ps.skipSpace()
		if ps.peek() == '[' || ps.peek() == '@' || ps.peek() == '$' {
			return nil, ps.fail("a list may hold only strings, numbers, booleans and null")
		}
		item, err := ps.operand()
		if err != nil {
			return nil, err
		}
		v, _ := item.resolve(nil, nil)
		items = append(items, v)
	}
	return literal{items}, nil
}

func (ps *parser) pathOperand() (operand, error) {
	relative := ps.peek() == '@'
	start := ps.pos
	ps.pos++
	sub := &parser{src: ps.src, pos: ps.pos, filter: true}
	steps, err := sub.steps()
	if err != nil {
		return nil, err
	}
	ps.pos = sub.pos
	p := &Path{expr: "$" + ps.src[start+1:ps.pos], steps: steps}
	return pathOperand{relative: relative, p: p}, nil
}

// jsonLiteral reads a number, true, false, null or array with the JSON
// decoder.
func (ps *parser) jsonLiteral() (operand, error) {
	dec := json.NewDecoder(strings.NewReader(ps.src[ps.pos:]))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, ps.fail("expected a value in the filter")
	}
	if _, ok := v.(map[string]any); ok {
		return nil, ps.fail("objects are not allowed in filters")
	}
	ps.pos += int(dec.InputOffset())
	return literal{v}, nil
}

func (n cmpNode) test(c, r any) bool {
	lv, lok := n.l.resolve(c, r)
	if !lok {
		return false
	}
	if n.op == "=~" {
		s, ok := lv.(string)
		return ok && n.re.MatchString(s)
	}
	rv, rok := n.r.resolve(c, r)
	if !rok {
		return false
	}
	switch n.op {
	case "==":
		return looseEqual(lv, rv)
	case "!=":
		return !looseEqual(lv, rv)
	case "in":
		return contains(rv, lv)
	case "nin":
		return !contains(rv, lv)
	}
	cmp, ok := order(lv, rv)
	return ok && orderHolds(n.op, cmp)
}

func orderHolds(op string, cmp int) bool {
	switch op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	}
	return cmp >= 0
}

// order compares two numbers or two strings.
func order(a, b any) (int, bool) {
	if x, ok := a.(string); ok {
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	}
	x, ok1 := rat(a)
	y, ok2 := rat(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return x.Cmp(y), true
}

func rat(v any) (*big.Rat, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	return new(big.Rat).SetString(string(n))
}

// looseEqual compares like Jayway: numbers by value, a number and a numeric
// string as numbers, containers structurally.
func looseEqual(a, b any) bool {
	if x, ok := rat(a); ok {
		if s, isStr := b.(string); isStr {
			b = json.Number(s)
		}
		y, ok := rat(b)
		return ok && x.Cmp(y) == 0
	}
	if s, ok := a.(string); ok {
		if n, isNum := b.(json.Number); isNum {
			return looseEqual(n, s)
		}
	}
	return deepEqual(a, b)
}

func deepEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !looseEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !looseEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

func contains(list, v any) bool {
	a, ok := list.([]any)
	if !ok {
		return false
	}
	for _, e := range a {
		if looseEqual(v, e) {
			return true
		}
	}
	return false
}
