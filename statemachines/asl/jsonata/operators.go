package jsonata

import (
	"math"
	"reflect"
)

// withOp attaches the operator's position and token to an error raised
// while applying it.
func withOp(err error, n *node) error {
	if e, ok := err.(*Error); ok {
		e.Position = n.pos
		e.Token = n.str
	}
	return err
}

func (ev *evaluator) binary(n *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	op := n.str
	if op == "and" || op == "or" {
		l := boolize(lhs)
		if op == "and" && !l || op == "or" && l {
			return l, nil
		}
		rhs, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		return boolize(rhs), nil
	}
	rhs, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	var result any
	switch op {
	case "+", "-", "*", "/", "%":
		result, err = numericOp(lhs, rhs, op)
	case "=", "!=":
		if isUndef(lhs) || isUndef(rhs) {
			return false, nil
		}
		eq := deepEqual(lhs, rhs)
		return eq == (op == "="), nil
	case "<", "<=", ">", ">=":
		result, err = compareOp(lhs, rhs, op)
	case "&":
		result, err = ev.concatOp(lhs, rhs)
	case "..":
		result, err = ev.rangeOp(lhs, rhs)
	case "in":
		return includes(lhs, rhs), nil
	}
	if err != nil {
		return nil, withOp(err, n)
	}
	return result, nil
}

func boolize(v any) bool { return boolean(v) }

func numericOp(lhs, rhs any, op string) (any, error) {
	if !isUndef(lhs) {
		if ok, err := isNumber(lhs); err != nil {
			return nil, err
		} else if !ok {
			return nil, &Error{Code: "T2001", Value: lhs}
		}
	}
	if !isUndef(rhs) {
		if ok, err := isNumber(rhs); err != nil {
			return nil, err
		} else if !ok {
			return nil, &Error{Code: "T2002", Value: rhs}
		}
	}
	if isUndef(lhs) || isUndef(rhs) {
		return Undefined, nil
	}
	l, r := lhs.(float64), rhs.(float64)
	switch op {
	case "+":
		return l + r, nil
	case "-":
		return l - r, nil
	case "*":
		return l * r, nil
	case "/":
		return l / r, nil
	}
	return math.Mod(l, r), nil
}

func compareOp(lhs, rhs any, op string) (any, error) {
	comparable := func(v any) bool {
		switch v.(type) {
		case undefined, string, float64:
			return true
		}
		return false
	}
	if !comparable(lhs) || !comparable(rhs) {
		bad := rhs
		switch lhs.(type) {
		case string, float64:
		default:
			bad = lhs
		}
		return nil, &Error{Code: "T2010", Value: bad}
	}
	if isUndef(lhs) || isUndef(rhs) {
		return Undefined, nil
	}
	ls, lstr := lhs.(string)
	rs, rstr := rhs.(string)
	if lstr != rstr {
		return nil, &Error{Code: "T2009", Value: lhs, Value2: rhs}
	}
	if lstr {
		c := compareStrings(ls, rs)
		return compareResult(c, op), nil
	}
	l, r := lhs.(float64), rhs.(float64)
	switch op {
	case "<":
		return l < r, nil
	case "<=":
		return l <= r, nil
	case ">":
		return l > r, nil
	}
	return l >= r, nil
}

func compareResult(c int, op string) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// compareStrings orders strings by UTF-16 code units, as JavaScript does.
func compareStrings(a, b string) int {
	ua, ub := utf16Units(a), utf16Units(b)
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ua) < len(ub):
		return -1
	case len(ua) > len(ub):
		return 1
	}
	return 0
}

func (ev *evaluator) concatOp(lhs, rhs any) (any, error) {
	l, r := "", ""
	var err error
	if !isUndef(lhs) {
		if l, err = stringify(lhs, false); err != nil {
			return nil, err
		}
	}
	if !isUndef(rhs) {
		if r, err = stringify(rhs, false); err != nil {
			return nil, err
		}
	}
	if len(l)+len(r) > ev.maxString {
		return nil, errStringLength()
	}
	return l + r, nil
}

// maxStringLength is V8's longest string, past which jsonata-js fails with
// a RangeError.
const maxStringLength = 1<<29 - 24

// maxArrayLength bounds arrays that expressions build by concatenation, so
// that doubling an array in a loop fails before it exhausts memory.
// JavaScript's own bound (2^32-1) is far past what memory allows.
const maxArrayLength = 1 << 26

// withMaxSizes lowers the string and array bounds of one evaluation.
func withMaxSizes(str, arr int) Option {
	return func(c *config) { c.maxString, c.maxArray = str, arr }
}

func errStringLength() error {
	return &Error{Code: "U1002", Value: "RangeError: Invalid string length"}
}

func errArrayLength() error {
	return &Error{Code: "U1002", Value: "RangeError: Invalid array length"}
}

// maxRange is the largest array the range operator builds.
const maxRange = 1e7

func (ev *evaluator) rangeOp(lhs, rhs any) (any, error) {
	if !isUndef(lhs) && !isInteger(lhs) {
		return nil, &Error{Code: "T2003", Value: lhs}
	}
	if !isUndef(rhs) && !isInteger(rhs) {
		return nil, &Error{Code: "T2004", Value: rhs}
	}
	if isUndef(lhs) || isUndef(rhs) {
		return Undefined, nil
	}
	l, r := lhs.(float64), rhs.(float64)
	if l > r {
		return Undefined, nil
	}
	size := r - l + 1
	if size > maxRange {
		return nil, &Error{Code: "D2014", Value: size}
	}
	items := make([]any, int(size))
	for i := range items {
		if i&0xFFFF == 0xFFFF {
			if err := ev.checkTime(); err != nil {
				return nil, err
			}
		}
		items[i] = l + float64(i)
	}
	return &array{items: items, seq: true}, nil
}

func isInteger(v any) bool {
	f, ok := v.(float64)
	return ok && !math.IsInf(f, 0) && f == math.Trunc(f)
}

func includes(lhs, rhs any) bool {
	if isUndef(lhs) || isUndef(rhs) {
		return false
	}
	items := []any{rhs}
	if a, ok := rhs.(*array); ok {
		items = a.items
	}
	for _, e := range items {
		if strictEqual(e, lhs) {
			return true
		}
	}
	return false
}

// strictEqual is JavaScript's ===: values for primitives, identity for
// containers.
func strictEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool, string:
		return a == b
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case *array, *Object, *lambda, *builtin, *partial, *regex:
		return a == b
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && sameMap(x, y)
	}
	return false
}

// sameMap reports whether two input maps are the same map.
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func (ev *evaluator) unary(n *node, input any, env *frame) (any, error) {
	switch n.str {
	case "-":
		v, err := ev.eval(n.lhs, input, env)
		if err != nil {
			return nil, err
		}
		if isUndef(v) {
			return Undefined, nil
		}
		ok, err := isNumber(v)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &Error{Code: "D1002", Position: n.pos, Token: "-", Value: v}
		}
		return -v.(float64), nil
	case "[":
		result := &array{items: make([]any, 0, len(n.exprs))}
		par := parallel{ev: ev}
		for _, item := range n.exprs {
			par.begin()
			v, err := ev.eval(item, input, env)
			if err != nil {
				if par.fail(err) {
					return nil, err
				}
				continue
			}
			if isUndef(v) {
				continue
			}
			if item.typ == nodeUnary && item.str == "[" {
				result.items = append(result.items, v)
			} else if a, ok := v.(*array); ok {
				if len(result.items)+len(a.items) > ev.maxArray {
					return nil, errArrayLength()
				}
				result.items = append(result.items, a.items...)
			} else {
				result.items = append(result.items, v)
			}
		}
		if par.err != nil {
			return nil, par.err
		}
		result.cons = n.consarray
		return result, nil
	case "{":
		if _, isArr := input.(*array); n.simple && !isArr {
			return ev.objectConstructor(n, input, env)
		}
		return ev.group(&groupExpr{pairs: n.pairs, pos: n.pos}, input, env)
	}
	return nil, &Error{Code: "S0206", Position: n.pos, Token: n.str}
}

// group evaluates an object constructor or grouping over input.
func (ev *evaluator) group(g *groupExpr, input any, env *frame) (any, error) {
	in, ok := input.(*array)
	reduce := ok && in.tupleStream
	var items []any
	if ok {
		items = in.items
	} else {
		items = []any{input}
	}
	if len(items) == 0 {
		items = []any{Undefined}
	}
	type entry struct {
		data      any
		exprIndex int
	}
	groups := newObject(len(g.pairs))
	entries := make([]*entry, 0, len(g.pairs))
	for _, item := range items {
		context, ienv := item, env
		if reduce {
			t, ok := item.(*tuple)
			if !ok {
				if len(g.pairs) == 0 {
					break
				}
				// an empty tuple stream: jsonata-js reads '@' of undefined
				return nil, &Error{Code: "U1002", Position: g.pos, Value: "TypeError: Cannot read properties of undefined (reading '@')"}
			}
			context, ienv = t.at, tupleFrame(env, t)
		}
		for pi, pr := range g.pairs {
			k, err := ev.eval(pr.key, context, ienv)
			if err != nil {
				return nil, err
			}
			if isUndef(k) {
				continue
			}
			key, isStr := k.(string)
			if !isStr {
				return nil, &Error{Code: "T1003", Position: g.pos, Value: k}
			}
			if ei, ok := groups.get(key); ok {
				e := entries[int(ei.(float64))]
				if e.exprIndex != pi {
					return nil, &Error{Code: "D1009", Position: g.pos, Value: key}
				}
				e.data = appendValues(e.data, item)
				continue
			}
			groups.set(key, float64(len(entries)))
			entries = append(entries, &entry{data: item, exprIndex: pi})
		}
	}
	result := newObject(len(groups.keys))
	par := parallel{ev: ev}
	for i, key := range groups.keys {
		e := entries[int(groups.vals[i].(float64))]
		context, genv := e.data, env
		if reduce {
			t := reduceTuples(e.data)
			context = t.at
			t.at = Undefined
			genv = tupleFrame(env, t)
			genv.names, genv.vals = genv.names[1:], genv.vals[1:]
		}
		par.begin()
		v, err := ev.eval(g.pairs[e.exprIndex].value, context, genv)
		if err != nil {
			if par.fail(err) {
				return nil, err
			}
			continue
		}
		if !isUndef(v) {
			result.set(key, v)
		}
	}
	if par.err != nil {
		return nil, par.err
	}
	return result, nil
}

// reduceTuples merges the tuples of one group: every variable becomes the
// sequence of its values.
func reduceTuples(v any) *tuple {
	a, ok := v.(*array)
	if !ok {
		return v.(*tuple).clone()
	}
	first := a.items[0].(*tuple)
	result := first.clone()
	for _, ti := range a.items[1:] {
		t := ti.(*tuple)
		result.at = appendValues(result.at, t.at)
		for i, name := range t.names {
			var cur any = Undefined
			for j, n := range result.names {
				if n == name {
					cur = result.vals[j]
				}
			}
			result.bind(name, appendValues(cur, t.vals[i]))
		}
	}
	return result
}

// appendValues is $append: undefined arguments are dropped, and the result
// is the concatenation of both as arrays. An array longer than
// maxArrayLength is cut there; fnAppend reports it.
func appendValues(a, b any) any {
	if isUndef(a) {
		return b
	}
	if isUndef(b) {
		return a
	}
	out := &array{}
	if x, ok := a.(*array); ok {
		out.items = append(make([]any, 0, len(x.items)+1), x.items...)
	} else {
		out.items = []any{a}
	}
	if y, ok := b.(*array); ok {
		out.items = append(out.items, y.items...)
	} else {
		out.items = append(out.items, b)
	}
	return out
}
