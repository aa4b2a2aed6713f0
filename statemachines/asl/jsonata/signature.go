package jsonata

import (
	"strings"
)

// signature is a parsed function signature such as "<s-n?:s>". Arguments
// are validated the way the reference implementation does it: each
// argument becomes a type letter and the letters must match a regular
// expression built from the parameters.
type signature struct {
	def    string
	params []sigParam
}

type sigParam struct {
	allowed string // the type letters the parameter accepts
	quant   byte   // 0, '?' (optional) or '+' (one or more)
	regex   string
	typ     string // a type letter, or "(...)" for a choice
	context bool   // '-': the context value stands in for a missing argument
	subtype string // the type parameter of a<...> or f<...>
}

// arrayTypeNames names array item types in T0412 messages.
var arrayTypeNames = map[byte]string{'a': "arrays", 'b': "booleans", 'f': "functions", 'n': "numbers", 'o': "objects", 's': "strings"}

func mustSignature(s string) *signature {
	if sig, ok := library().sigs[s]; ok {
		return sig
	}
	sig, err := parseSignature(s)
	if err != nil {
		panic("jsonata: bad built-in signature " + s)
	}
	return sig
}

func parseSignature(s string) (*signature, error) {
	sig := &signature{def: s}
	var param sigParam
	prev := -1 // index in sig.params of the previous parameter
	next := func() {
		sig.params = append(sig.params, param)
		prev = len(sig.params) - 1
		param = sigParam{}
	}
	for pos := 1; pos < len(s); pos++ {
		c := s[pos]
		if c == ':' {
			break
		}
		switch c {
		case 's', 'n', 'b', 'l', 'o':
			param.regex, param.typ = "["+string(c)+"m]", string(c)
			next()
		case 'a':
			param.regex, param.typ = "[asnblfom]", "a"
			next()
		case 'f':
			param.regex, param.typ = "f", "f"
			next()
		case 'j':
			param.regex, param.typ = "[asnblom]", "j"
			next()
		case 'x':
			param.regex, param.typ = "[asnblfom]", "x"
			next()
		case '-':
			if prev >= 0 {
				p := &sig.params[prev]
				p.context = true
				p.regex += "?"
			}
		case '?', '+':
			if prev >= 0 {
				sig.params[prev].regex += string(c)
			}
		case '(':
			end := closing(s, pos, '(', ')')
			choice := s[pos+1 : end]
			if strings.IndexByte(choice, '<') >= 0 {
				return nil, &Error{Code: "S0402", Value: choice, Position: pos}
			}
			param.regex, param.typ = "["+choice+"m]", "("+choice+")"
			pos = end
			next()
		case '<':
			if prev >= 0 && (sig.params[prev].typ == "a" || sig.params[prev].typ == "f") {
				end := closing(s, pos, '<', '>')
				sig.params[prev].subtype = s[pos+1 : end]
				pos = end
			} else {
				t := ""
				if prev >= 0 {
					t = sig.params[prev].typ
				}
				return nil, &Error{Code: "S0401", Value: t, Position: pos}
			}
		}
	}
	for i := range sig.params {
		p := &sig.params[i]
		class := p.regex
		if n := len(class); n > 0 && (class[n-1] == '?' || class[n-1] == '+') {
			p.quant = class[n-1]
			class = class[:n-1]
		}
		p.allowed = strings.Trim(class, "[]")
	}
	return sig, nil
}

// match matches the argument type letters against the parameters as the
// reference's regular expression of the signature does (anchored, greedy,
// with backtracking), writing each parameter's span into spans.
func (sig *signature) match(supplied []byte, spans [][2]int) bool {
	_, ok := sig.matchParams(supplied, spans, len(sig.params), true)
	return ok
}

// matchParams matches the first k parameters from the start of supplied,
// to its end when anchored, and returns how many letters they took.
func (sig *signature) matchParams(supplied []byte, spans [][2]int, k int, anchored bool) (int, bool) {
	end := -1
	var try func(i, pos int) bool
	try = func(i, pos int) bool {
		if i == k {
			end = pos
			return !anchored || pos == len(supplied)
		}
		p := &sig.params[i]
		max := 0
		for pos+max < len(supplied) && strings.IndexByte(p.allowed, supplied[pos+max]) >= 0 {
			max++
			if p.quant != '+' {
				break
			}
		}
		min := 1
		if p.quant == '?' {
			min = 0
		}
		for n := max; n >= min; n-- {
			spans[i] = [2]int{pos, pos + n}
			if try(i+1, pos+n) {
				return true
			}
		}
		return false
	}
	return end, try(0, 0)
}

func closing(s string, start int, open, close byte) int {
	depth := 1
	pos := start
	for pos < len(s)-1 {
		pos++
		if s[pos] == close {
			depth--
			if depth == 0 {
				break
			}
		} else if s[pos] == open {
			depth++
		}
	}
	return pos
}

// validate checks args against the signature and returns them fixed up:
// the context value put in for a missing '-' argument, single values
// wrapped where an array is expected.
func (sig *signature) validate(args []any, context any) ([]any, error) {
	var buf [16]byte
	supplied := buf[:0]
	for _, a := range args {
		supplied = append(supplied, typeSymbol(a))
	}
	var spanBuf [8][2]int
	spans := spanBuf[:0]
	if len(sig.params) <= len(spanBuf) {
		spans = spanBuf[:len(sig.params)]
	} else {
		spans = make([][2]int, len(sig.params))
	}
	if !sig.match(supplied, spans) {
		return nil, sig.validationError(args, string(supplied))
	}
	arg := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return Undefined
	}
	out := make([]any, 0, len(sig.params))
	argIndex := 0
	for i, p := range sig.params {
		match := supplied[spans[i][0]:spans[i][1]]
		if len(match) == 0 {
			if p.context {
				if strings.IndexByte(p.allowed, typeSymbol(context)) < 0 {
					return nil, &Error{Code: "T0411", Value: context, index: argIndex + 1}
				}
				out = append(out, context)
			} else {
				out = append(out, arg(argIndex))
				argIndex++
			}
			continue
		}
		for j := 0; j < len(match); j++ {
			single := match[j]
			if p.typ != "a" {
				out = append(out, arg(argIndex))
				argIndex++
				continue
			}
			if single == 'm' {
				out = append(out, Undefined)
				argIndex++
				continue
			}
			a := arg(argIndex)
			if p.subtype != "" && !arrayItemsMatch(a, single, string(match), p.subtype) {
				return nil, &Error{Code: "T0412", Value: a, index: argIndex + 1, typ: arrayTypeNames[p.subtype[0]]}
			}
			if single != 'a' {
				a = &array{items: []any{a}}
			}
			out = append(out, a)
			argIndex++
		}
	}
	return out, nil
}

func arrayItemsMatch(a any, single byte, match, subtype string) bool {
	if single != 'a' {
		return match == subtype
	}
	items := a.(*array).items
	if len(items) == 0 {
		return true
	}
	t := typeSymbol(items[0])
	if t != subtype[0] {
		return false
	}
	for _, e := range items {
		if typeSymbol(e) != t {
			return false
		}
	}
	return true
}

func (sig *signature) validationError(args []any, supplied string) error {
	goodTo := 0
	spans := make([][2]int, len(sig.params))
	for k := 1; k <= len(sig.params); k++ {
		n, ok := sig.matchParams([]byte(supplied), spans, k, false)
		if !ok {
			break
		}
		goodTo = n
	}
	return &Error{Code: "T0410", Value: argAt(args, goodTo), index: goodTo + 1}
}
