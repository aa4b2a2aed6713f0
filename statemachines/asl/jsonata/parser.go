package jsonata

import "strings"

// maxParseDepth bounds the nesting of an expression, so that a hostile
// expression cannot exhaust the stack while it is parsed.
const maxParseDepth = 500

// parser is a Pratt (top-down operator precedence) parser over the lexer's
// tokens. cur is the token being looked at and id its symbol.
type parser struct {
	lx    lexer
	cur   token
	id    string
	depth int

	ancestorLabel int
	ancestry      []*node
}

// parse turns an expression into its processed syntax tree.
func parse(src string) (*node, error) {
	p := &parser{lx: lexer{src: src}}
	if err := p.advance("", false); err != nil {
		return nil, err
	}
	expr, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if p.id != "(end)" {
		return nil, &Error{Code: "S0201", Position: p.cur.pos, Token: p.tokenText()}
	}
	expr, err = p.process(expr)
	if err != nil {
		return nil, err
	}
	if expr.typ == nodeParent || expr.seekingParent != nil {
		return nil, &Error{Code: "S0217", Position: expr.pos, Token: typeName(expr)}
	}
	markFastPaths(expr)
	return expr, nil
}

// symbols are the operator ids the parser knows; others fail with S0204.
var symbols = map[string]bool{
	":": true, ";": true, ",": true, ")": true, "]": true, "}": true, "..": true,
	".": true, "+": true, "-": true, "*": true, "/": true, "%": true, "=": true,
	"<": true, ">": true, "!=": true, "<=": true, ">=": true, "&": true,
	"and": true, "or": true, "in": true, "~>": true, "**": true, "(": true,
	"[": true, "^": true, "{": true, ":=": true, "@": true, "#": true, "?": true,
	"|": true,
}

// infixPower is the left binding power of the symbols that have an infix
// form; every other symbol binds with 0.
var infixPower = map[string]int{
	".": 75, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "=": 40, "<": 40,
	">": 40, "!=": 40, "<=": 40, ">=": 40, "&": 50, "and": 30, "or": 25,
	"in": 40, "~>": 40, "(": 80, "[": 80, "^": 40, "{": 70, ":=": 10,
	"@": 80, "#": 80, "?": 20,
}

// tokenText is the current token as JSONata names it in errors.
func (p *parser) tokenText() string {
	switch p.cur.kind {
	case tokEnd:
		return "(end)"
	case tokNumber:
		return numberString(p.cur.num)
	case tokValue:
		switch p.cur.value {
		case true:
			return "true"
		case false:
			return "false"
		}
		return "null"
	}
	return p.cur.str
}

// advance moves to the next token, first checking that the current one is
// id when id is given. infix says the next token follows an operand.
func (p *parser) advance(id string, infix bool) error {
	if id != "" && p.id != id {
		code := "S0202"
		if p.id == "(end)" {
			code = "S0203"
		}
		return &Error{Code: code, Position: p.cur.pos, Token: p.tokenText(), Value: id}
	}
	t, err := p.lx.next(infix)
	if err != nil {
		return err
	}
	p.cur = t
	switch t.kind {
	case tokEnd:
		p.id = "(end)"
	case tokName, tokVariable:
		p.id = "(name)"
	case tokString, tokNumber, tokValue:
		p.id = "(literal)"
	case tokRegex:
		p.id = "(regex)"
	case tokOperator:
		if !symbols[t.str] {
			return &Error{Code: "S0204", Position: t.pos, Token: t.str}
		}
		p.id = t.str
	}
	return nil
}

func (p *parser) expression(rbp int) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxParseDepth {
		return nil, &Error{Code: "U1001", Position: p.cur.pos, Message: "Expression nested too deeply"}
	}
	t, id := p.cur, p.id
	if err := p.advance("", true); err != nil {
		return nil, err
	}
	left, err := p.nud(t, id)
	if err != nil {
		return nil, err
	}
	for rbp < infixPower[p.id] {
		t, id = p.cur, p.id
		if err := p.advance("", false); err != nil {
			return nil, err
		}
		if left, err = p.led(t, id, left); err != nil {
			return nil, err
		}
	}
	return left, nil
}

// leaf turns a terminal token into a node.
func leaf(t token) *node {
	n := &node{pos: t.pos, str: t.str}
	switch t.kind {
	case tokName:
		n.typ = nodeName
	case tokVariable:
		n.typ = nodeVariable
	case tokString:
		n.typ = nodeString
	case tokNumber:
		n.typ, n.num = nodeNumber, t.num
	case tokValue:
		n.typ, n.value = nodeValue, t.value
	case tokOperator:
		n.typ = nodeOperator
	}
	return n
}

func (p *parser) nud(t token, id string) (*node, error) {
	switch id {
	case "(end)":
		return nil, &Error{Code: "S0207", Position: t.pos, Token: "(end)"}
	case "(name)", "(literal)", "and", "or", "in":
		return leaf(t), nil
	case "(regex)":
		re, err := compileRegex(t.str, t.flags)
		if err != nil {
			if e, ok := err.(*Error); ok && e.Position == 0 {
				e.Position = t.pos
			}
			return nil, err
		}
		return &node{typ: nodeRegex, pos: t.pos, str: t.str, re: re}, nil
	case "-":
		e, err := p.expression(70)
		if err != nil {
			return nil, err
		}
		return &node{typ: nodeUnary, str: "-", pos: t.pos, lhs: e}, nil
	case "*":
		return &node{typ: nodeWildcard, str: "*", pos: t.pos}, nil
	case "**":
		return &node{typ: nodeDescendant, str: "**", pos: t.pos}, nil
	case "%":
		return &node{typ: nodeParent, str: "%", pos: t.pos}, nil
	case "(":
		return p.block(t)
	case "[":
		return p.arrayConstructor(t)
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		return &node{typ: nodeUnary, str: "{", pos: t.pos, pairs: pairs}, nil
	case "|":
		return p.transform(t)
	}
	return nil, &Error{Code: "S0211", Position: t.pos, Token: tokenString(t)}
}

func tokenString(t token) string {
	if t.kind == tokNumber {
		return numberString(t.num)
	}
	return t.str
}

func (p *parser) block(t token) (*node, error) {
	n := &node{typ: nodeBlock, pos: t.pos}
	for p.id != ")" {
		e, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		n.exprs = append(n.exprs, e)
		if p.id != ";" {
			break
		}
		if err := p.advance(";", false); err != nil {
			return nil, err
		}
	}
	return n, p.advance(")", true)
}

func (p *parser) arrayConstructor(t token) (*node, error) {
	n := &node{typ: nodeUnary, str: "[", pos: t.pos, exprs: []*node{}}
	if p.id != "]" {
		for {
			item, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			if p.id == ".." {
				r := &node{typ: nodeBinary, str: "..", pos: p.cur.pos, lhs: item}
				if err := p.advance("..", false); err != nil {
					return nil, err
				}
				if r.rhs, err = p.expression(0); err != nil {
					return nil, err
				}
				item = r
			}
			n.exprs = append(n.exprs, item)
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	return n, p.advance("]", true)
}

func (p *parser) objectPairs() ([]pair, error) {
	pairs := []pair{}
	if p.id != "}" {
		for {
			k, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			v, err := p.expression(0)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, pair{k, v})
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	return pairs, p.advance("}", true)
}

func (p *parser) transform(t token) (*node, error) {
	n := &node{typ: nodeTransform, pos: t.pos}
	var err error
	if n.pattern, err = p.expression(0); err != nil {
		return nil, err
	}
	if err := p.advance("|", false); err != nil {
		return nil, err
	}
	if n.update, err = p.expression(0); err != nil {
		return nil, err
	}
	if p.id == "," {
		if err := p.advance(",", false); err != nil {
			return nil, err
		}
		if n.delete, err = p.expression(0); err != nil {
			return nil, err
		}
	}
	return n, p.advance("|", false)
}

func (p *parser) led(t token, id string, left *node) (*node, error) {
	switch id {
	case "(":
		return p.call(t, left)
	case "[":
		return p.predicate(t, left)
	case "^":
		return p.orderBy(t, left)
	case "{":
		pairs, err := p.objectPairs()
		if err != nil {
			return nil, err
		}
		return &node{typ: nodeBinary, str: "{", pos: t.pos, lhs: left, pairs: pairs}, nil
	case ":=":
		if left.typ != nodeVariable {
			return nil, &Error{Code: "S0212", Position: left.pos, Token: left.str}
		}
		rhs, err := p.expression(infixPower[":="] - 1)
		if err != nil {
			return nil, err
		}
		return &node{typ: nodeBinary, str: ":=", pos: t.pos, lhs: left, rhs: rhs}, nil
	case "@", "#":
		rhs, err := p.expression(infixPower[id])
		if err != nil {
			return nil, err
		}
		if rhs.typ != nodeVariable {
			return nil, &Error{Code: "S0214", Position: rhs.pos, Token: id}
		}
		return &node{typ: nodeBinary, str: id, pos: t.pos, lhs: left, rhs: rhs}, nil
	case "?":
		n := &node{typ: nodeCondition, pos: t.pos, cond: left}
		var err error
		if n.then, err = p.expression(0); err != nil {
			return nil, err
		}
		if p.id == ":" {
			if err := p.advance(":", false); err != nil {
				return nil, err
			}
			if n.els, err = p.expression(0); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	rhs, err := p.expression(infixPower[id])
	if err != nil {
		return nil, err
	}
	return &node{typ: nodeBinary, str: id, pos: t.pos, lhs: left, rhs: rhs}, nil
}

func (p *parser) call(t token, left *node) (*node, error) {
	n := &node{typ: nodeFunction, pos: t.pos, procedure: left, args: []*node{}}
	if p.id != ")" {
		for {
			if p.cur.kind == tokOperator && p.id == "?" {
				n.typ = nodePartial
				n.args = append(n.args, &node{typ: nodePlaceholder, pos: p.cur.pos, str: "?"})
				if err := p.advance("?", false); err != nil {
					return nil, err
				}
			} else {
				a, err := p.expression(0)
				if err != nil {
					return nil, err
				}
				n.args = append(n.args, a)
			}
			if p.id != "," {
				break
			}
			if err := p.advance(",", false); err != nil {
				return nil, err
			}
		}
	}
	if err := p.advance(")", true); err != nil {
		return nil, err
	}
	if left.typ == nodeName && (left.str == "function" || left.str == "λ") {
		return p.lambda(n)
	}
	return n, nil
}

func (p *parser) lambda(n *node) (*node, error) {
	for i, a := range n.args {
		if a.typ != nodeVariable {
			return nil, &Error{Code: "S0208", Position: a.pos, Token: a.str, Value: float64(i + 1)}
		}
		n.params = append(n.params, a.str)
	}
	n.typ, n.args, n.procedure = nodeLambda, nil, nil
	if p.id == "<" {
		sigPos := p.cur.pos
		depth := 1
		var sig strings.Builder
		sig.WriteByte('<')
		for depth > 0 && p.id != "{" && p.id != "(end)" {
			if err := p.advance("", false); err != nil {
				return nil, err
			}
			switch p.id {
			case ">":
				depth--
			case "<":
				depth++
			}
			sig.WriteString(p.tokenText())
		}
		if err := p.advance(">", false); err != nil {
			return nil, err
		}
		s, err := parseSignature(sig.String())
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Position += sigPos
			}
			return nil, err
		}
		n.signature = s
	}
	if err := p.advance("{", false); err != nil {
		return nil, err
	}
	body, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	n.body = body
	return n, p.advance("}", false)
}

func (p *parser) predicate(t token, left *node) (*node, error) {
	if p.id == "]" {
		step := left
		for step != nil && step.typ == nodeBinary && step.str == "[" {
			step = step.lhs
		}
		step.keepArray = true
		return left, p.advance("]", false)
	}
	rhs, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	return &node{typ: nodeBinary, str: "[", pos: t.pos, lhs: left, rhs: rhs}, p.advance("]", true)
}

func (p *parser) orderBy(t token, left *node) (*node, error) {
	if err := p.advance("(", false); err != nil {
		return nil, err
	}
	var terms []sortTerm
	for {
		var term sortTerm
		switch p.id {
		case "<":
			if err := p.advance("<", false); err != nil {
				return nil, err
			}
		case ">":
			term.descending = true
			if err := p.advance(">", false); err != nil {
				return nil, err
			}
		}
		e, err := p.expression(0)
		if err != nil {
			return nil, err
		}
		term.expr = e
		terms = append(terms, term)
		if p.id != "," {
			break
		}
		if err := p.advance(",", false); err != nil {
			return nil, err
		}
	}
	if err := p.advance(")", false); err != nil {
		return nil, err
	}
	return &node{typ: nodeBinary, str: "^", pos: t.pos, lhs: left, terms: terms}, nil
}
