package jsonata

// lambda is a function defined in an expression, closed over the input
// and the frame it was defined in. A thunk is a tail call waiting for the
// caller's trampoline.
type lambda struct {
	node   *node
	input  any
	env    *frame
	params []string
	sig    *signature
	body   *node
	thunk  bool
}

// builtin is a function implemented in Go: the library's, a caller's
// (WithFunctions), or one made during evaluation. arity is the number of
// arguments higher-order functions pass it, as the reference derives from
// its JavaScript parameter list.
type builtin struct {
	name  string
	sig   *signature
	arity int
	fn    func(c *call, args []any) (any, error)
}

// partial is a partially applied function: slots holds the fixed
// arguments, with hole where a '?' stands.
type partial struct {
	fn    any
	slots []any
	holes int
}

// hole marks an argument left open by partial application.
type hole struct{}

// call is what a built-in function sees of its caller.
type call struct {
	ev    *evaluator
	env   *frame
	input any
}

func (c *call) apply(fn any, args ...any) (any, error) {
	return c.ev.applyFn(fn, args, nil, c.env, "", 0)
}

// arity is the number of arguments a function takes, as higher-order
// functions decide how many to pass.
func arity(fn any) int {
	switch f := fn.(type) {
	case *lambda:
		return len(f.params)
	case *builtin:
		return f.arity
	case *partial:
		return f.holes
	case *regex:
		return 2
	case *uncallable:
		return arity(f.fn)
	}
	return 0
}

func newUserFunction(f *Function) *builtin {
	sig, err := parseSignature(f.Signature)
	if f.Signature == "" || err != nil {
		sig = nil
	}
	n := 0
	if sig != nil {
		n = len(sig.params)
	}
	impl := f.Call
	return &builtin{name: f.Name, sig: sig, arity: n, fn: func(c *call, args []any) (any, error) {
		out := make([]any, len(args))
		for i, a := range args {
			out[i] = exportArg(a)
		}
		v, err := impl(out)
		if err != nil {
			if e, ok := err.(*Error); ok {
				return nil, e
			}
			return nil, &Error{Code: "D3137", Message: err.Error()}
		}
		if v == nil {
			return nil, nil
		}
		return norm(v), nil
	}}
}

// exportArg hands a value to a caller's function: JSON-model values, and
// functions as they are.
func exportArg(v any) any {
	if isFunction(v) || isUndef(v) {
		return v
	}
	out, err := export(v, false)
	if err != nil {
		return nil
	}
	return out
}

// function evaluates a function call. With hasContext, context is the
// first argument (the left side of ~>).
func (ev *evaluator) function(n *node, input any, env *frame, context any, hasContext bool) (any, error) {
	proc, err := ev.eval(n.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if isUndef(proc) && n.procedure.typ == nodePath && n.procedure.steps[0].typ == nodeName && !isUndef(env.lookup(n.procedure.steps[0].str)) {
		return nil, &Error{Code: "T1005", Position: n.pos, Token: n.procedure.steps[0].str}
	}
	args := make([]any, 0, len(n.args)+1)
	if hasContext {
		args = append(args, context)
	}
	for _, a := range n.args {
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	name := procName(n.procedure)
	result, err := ev.applyFn(proc, args, input, env, name, n.pos)
	if err != nil {
		if e, ok := err.(*Error); ok {
			if e.Position == 0 {
				e.Position = n.pos
			}
			if e.Token == "" {
				e.Token = name
			}
		}
		return nil, err
	}
	return result, nil
}

func procName(p *node) string {
	if p.typ == nodePath && len(p.steps) > 0 {
		return p.steps[0].str
	}
	return p.str
}

// applyFn applies a function and runs the trampoline that evaluates the
// tail calls it returns.
func (ev *evaluator) applyFn(proc any, args []any, input any, env *frame, token string, pos int) (any, error) {
	result, err := ev.applyInner(proc, args, input, env, token, pos)
	if err != nil {
		return nil, err
	}
	for {
		th, ok := result.(*lambda)
		if !ok || !th.thunk {
			return result, nil
		}
		if err := ev.enter(); err != nil {
			return nil, err
		}
		ev.depth--
		body := th.body
		next, err := ev.eval(body.procedure, th.input, th.env)
		if err != nil {
			return nil, err
		}
		nextToken := ""
		if body.procedure.typ == nodeVariable {
			nextToken = body.procedure.str
		}
		targs := make([]any, len(body.args))
		for i, a := range body.args {
			if targs[i], err = ev.eval(a, th.input, th.env); err != nil {
				return nil, err
			}
		}
		if b, ok := next.(*builtin); ok {
			tailCallArgs(b, targs)
		}
		if result, err = ev.applyInner(next, targs, input, env, nextToken, body.procedure.pos); err != nil {
			return nil, err
		}
	}
}

func (ev *evaluator) applyInner(proc any, args []any, input any, env *frame, token string, pos int) (result any, err error) {
	defer func() {
		if err == nil || !isFunction(proc) {
			return
		}
		if e, ok := err.(*Error); ok {
			if e.Token == "" {
				e.Token = token
			}
			if pos != 0 {
				e.Position = pos
			}
		}
	}()
	switch p := proc.(type) {
	case *lambda:
		if p.sig != nil {
			if args, err = p.sig.validate(args, input); err != nil {
				return nil, err
			}
		}
		return ev.applyLambda(p, args)
	case *builtin:
		if p.sig != nil {
			if args, err = p.sig.validate(args, input); err != nil {
				return nil, err
			}
		}
		return p.fn(&call{ev: ev, env: env, input: input}, args)
	case *partial:
		full := make([]any, len(p.slots))
		j := 0
		for i, s := range p.slots {
			if _, ok := s.(hole); ok {
				if j < len(args) {
					full[i] = args[j]
				} else {
					full[i] = Undefined
				}
				j++
				continue
			}
			full[i] = s
		}
		if l, ok := p.fn.(*lambda); ok {
			return ev.applyLambda(l, full)
		}
		return ev.applyInner(p.fn, full, input, env, token, pos)
	case *regex:
		return p.call(ev, args)
	case *uncallable:
		return nil, &Error{Code: "U1002", Value: "TypeError: " + p.why}
	}
	return nil, &Error{Code: "T1006"}
}

// uncallable stands for a function argument that jsonata-js 2.0.6 cannot
// call: the trampoline that runs a tail call passes function arguments
// as they are, and a built-in function calls them as JavaScript
// functions, which only lambdas (through their apply method) and regexes
// are. $sort calls its comparator directly, which only a regex survives.
type uncallable struct {
	fn  any
	why string
}

// callers lists the built-in functions that call a function argument.
var callers = map[string]bool{"sort": true, "map": true, "filter": true, "single": true, "reduce": true,
	"each": true, "sift": true, "match": true, "contains": true, "replace": true, "split": true}

// tailCallArgs marks the function arguments of a tail call to a built-in
// that the reference cannot call.
func tailCallArgs(b *builtin, args []any) {
	if !callers[b.name] {
		return
	}
	for i, a := range args {
		if !isFunction(a) {
			continue
		}
		switch f := a.(type) {
		case *regex:
			continue
		case *lambda:
			if b.name != "sort" {
				continue
			}
		case *builtin:
			if f.name == "chain" && b.name != "sort" {
				continue
			}
		}
		why := "func.apply is not a function"
		if b.name == "sort" {
			why = "comp is not a function"
		}
		args[i] = &uncallable{fn: a, why: why}
	}
}

func (ev *evaluator) applyLambda(l *lambda, args []any) (any, error) {
	f := &frame{parent: l.env, names: l.params, vals: make([]any, len(l.params))}
	for i := range l.params {
		if i < len(args) {
			f.vals[i] = args[i]
		} else {
			f.vals[i] = Undefined
		}
	}
	// the frame owns its names from here on: a bind must not write into
	// the lambda's parameter list
	f.names = append([]string(nil), l.params...)
	return ev.eval(l.body, l.input, f)
}

func (ev *evaluator) partialApplication(n *node, input any, env *frame) (any, error) {
	args := make([]any, len(n.args))
	for i, a := range n.args {
		if a.typ == nodePlaceholder {
			args[i] = hole{}
			continue
		}
		v, err := ev.eval(a, input, env)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	proc, err := ev.eval(n.procedure, input, env)
	if err != nil {
		return nil, err
	}
	if isUndef(proc) && n.procedure.typ == nodePath && n.procedure.steps[0].typ == nodeName && !isUndef(env.lookup(n.procedure.steps[0].str)) {
		return nil, &Error{Code: "T1007", Position: n.pos, Token: n.procedure.steps[0].str}
	}
	if !isFunction(proc) {
		return nil, &Error{Code: "T1008", Position: n.pos, Token: procName(n.procedure)}
	}
	p := &partial{fn: proc, slots: make([]any, arity(proc))}
	for i := range p.slots {
		switch {
		case i >= len(args):
			p.slots[i] = Undefined
		default:
			p.slots[i] = args[i]
		}
		if _, ok := p.slots[i].(hole); ok {
			p.holes++
		}
	}
	return p, nil
}

// apply evaluates lhs ~> rhs.
func (ev *evaluator) apply(n *node, input any, env *frame) (any, error) {
	lhs, err := ev.eval(n.lhs, input, env)
	if err != nil {
		return nil, err
	}
	if n.rhs.typ == nodeFunction {
		return ev.function(n.rhs, input, env, lhs, true)
	}
	fn, err := ev.eval(n.rhs, input, env)
	if err != nil {
		return nil, err
	}
	if !isFunction(fn) {
		return nil, &Error{Code: "T2006", Position: n.pos, Value: fn}
	}
	if isFunction(lhs) {
		first := lhs
		return &builtin{name: "chain", arity: 1, fn: func(c *call, args []any) (any, error) {
			var x any = Undefined
			if len(args) > 0 {
				x = args[0]
			}
			r, err := c.ev.applyFn(first, []any{x}, nil, c.env, "", 0)
			if err != nil {
				return nil, err
			}
			return c.ev.applyFn(fn, []any{r}, nil, c.env, "", 0)
		}}, nil
	}
	return ev.applyFn(fn, []any{lhs}, nil, env, "", 0)
}
