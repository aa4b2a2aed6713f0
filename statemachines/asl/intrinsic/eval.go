package intrinsic

import (
	crand "crypto/rand"
	"math/rand/v2"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// evaluator carries what one Eval needs.
type evaluator struct {
	input, context any
	env            Env
}

// call evaluates the arguments of c, then the function.
func (ev *evaluator) call(c *call) (any, error) {
	vals := make([]any, len(c.args))
	for i, a := range c.args {
		v, err := ev.arg(a)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return c.fn.run(ev, c, vals)
}

// arg evaluates one argument. Functions inspect their arguments, so a
// path's value comes with every raw JSON text in it decoded.
func (ev *evaluator) arg(a arg) (any, error) {
	switch a.kind {
	case argPath:
		root, err := ev.root(a.path)
		if err != nil {
			return nil, err
		}
		v, err := a.path.Get(root, ev.context)
		return jsonvalue.Expand(v), err
	case argCall:
		return ev.call(a.call)
	}
	return a.value(), nil
}

// root is the value a path argument starts from: the input, or the value
// of the variable it names (the context object is Get's own).
func (ev *evaluator) root(p *jsonpath.Path) (any, error) {
	name := p.Variable()
	if name == "" {
		return ev.input, nil
	}
	if ev.env.Variable != nil {
		if v, ok := ev.env.Variable(name); ok {
			return v, nil
		}
	}
	return nil, failf("The variable '$%s' in the argument '%s' is not defined", name, p.String())
}

// randInt returns a value in [lo, hi).
func (ev *evaluator) randInt(lo, hi int64) int64 {
	if ev.env.RandInt != nil {
		return ev.env.RandInt(lo, hi)
	}
	return lo + rand.Int64N(hi-lo)
}

// uuid returns a version 4 UUID.
func (ev *evaluator) uuid() string {
	if ev.env.UUID != nil {
		return ev.env.UUID()
	}
	return newUUID()
}

// newUUID builds an RFC 4122 version 4 UUID from crypto/rand.
func newUUID() string {
	var b [16]byte
	_, _ = crand.Read(b[:]) // never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0x0f])
	}
	return string(out)
}
