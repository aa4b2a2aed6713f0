package jsonata

import (
	"math"
	"time"
)

// evaluator holds the state of one evaluation: its limits and counters.
type evaluator struct {
	calls    int // evaluation steps so far, see parallel
	depth    int
	maxDepth int
	deadline time.Time
	timed    bool
	ticks    uint32

	maxString int // longest string the evaluation may build
	maxArray  int // longest array it may build by concatenation
}

// defaultMaxDepth bounds evaluation when the caller sets no depth limit,
// so that runaway recursion fails with U1001 rather than exhausting the
// goroutine's stack.
const defaultMaxDepth = 10000

// maxDepthLimit is the deepest evaluation any limit allows: about 128 MiB
// of goroutine stack, far below Go's 1 GiB maximum.
const maxDepthLimit = 100000

func (ev *evaluator) enter() error {
	ev.calls++
	ev.depth++
	if ev.depth > ev.maxDepth {
		return &Error{Code: "U1001", Message: "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."}
	}
	if ev.timed {
		ev.ticks++
		if ev.ticks&255 == 0 && time.Now().After(ev.deadline) {
			return &Error{Code: "U1001", Message: "Expression evaluation timeout: Check for infinite loop"}
		}
	}
	return nil
}

// checkTime is called inside long loops that do not evaluate
// subexpressions, so that a time limit holds there too.
func (ev *evaluator) checkTime() error {
	if ev.timed && time.Now().After(ev.deadline) {
		return &Error{Code: "U1001", Message: "Expression evaluation timeout: Check for infinite loop"}
	}
	return nil
}

func isUndef(v any) bool {
	_, ok := v.(undefined)
	return ok
}

// eval evaluates one node against input in env.
func (ev *evaluator) eval(n *node, input any, env *frame) (any, error) {
	if err := ev.enter(); err != nil {
		return nil, err
	}
	result, err := ev.evalNode(n, input, env)
	ev.depth--
	if err != nil {
		return nil, err
	}
	for _, p := range n.predicate {
		if result, err = ev.filter(p.filter, result, env); err != nil {
			return nil, err
		}
	}
	if n.typ != nodePath && n.group != nil {
		if result, err = ev.group(n.group, result, env); err != nil {
			return nil, err
		}
	}
	if a, ok := result.(*array); ok && a.seq && !a.tupleStream {
		if n.keepArray {
			a.keepSingleton = true
		}
		switch len(a.items) {
		case 0:
			return Undefined, nil
		case 1:
			if !a.keepSingleton {
				return a.items[0], nil
			}
		}
	}
	return result, nil
}

func (ev *evaluator) evalNode(n *node, input any, env *frame) (any, error) {
	switch n.typ {
	case nodePath:
		return ev.path(n, input, env)
	case nodeBinary:
		return ev.binary(n, input, env)
	case nodeUnary:
		return ev.unary(n, input, env)
	case nodeName:
		return lookupField(input, n.str), nil
	case nodeString:
		return n.str, nil
	case nodeNumber:
		return n.num, nil
	case nodeValue:
		return n.value, nil
	case nodeWildcard:
		return wildcard(input), nil
	case nodeDescendant:
		return descendants(input), nil
	case nodeParent:
		return env.lookup(n.slot.label), nil
	case nodeCondition:
		c, err := ev.eval(n.cond, input, env)
		if err != nil {
			return nil, err
		}
		if boolean(c) {
			return ev.eval(n.then, input, env)
		}
		if n.els != nil {
			return ev.eval(n.els, input, env)
		}
		return Undefined, nil
	case nodeBlock:
		f := newFrame(env)
		var result any = Undefined
		for _, e := range n.exprs {
			var err error
			if result, err = ev.eval(e, input, f); err != nil {
				return nil, err
			}
		}
		return result, nil
	case nodeBind:
		v, err := ev.eval(n.rhs, input, env)
		if err != nil {
			return nil, err
		}
		env.bind(n.lhs.str, v)
		return v, nil
	case nodeRegex:
		return n.re, nil
	case nodeFunction:
		return ev.function(n, input, env, nil, false)
	case nodeVariable:
		if n.str == "" {
			if a, ok := input.(*array); ok && a.outerWrapper && len(a.items) > 0 {
				return a.items[0], nil
			}
			return input, nil
		}
		return env.lookup(n.str), nil
	case nodeLambda:
		return &lambda{node: n, input: input, env: env, params: n.params, sig: n.signature, body: n.body, thunk: n.thunk}, nil
	case nodePartial:
		return ev.partialApplication(n, input, env)
	case nodeApply:
		return ev.apply(n, input, env)
	case nodeTransform:
		return &builtin{name: "transform", sig: mustSignature("<(oa):o>"), arity: 1, fn: func(c *call, args []any) (any, error) {
			return ev.transform(n, args[0], env)
		}}, nil
	case nodeSort:
		// a sort step outside a path is evaluated by path
		return ev.path(&node{typ: nodePath, steps: []*node{n}}, input, env)
	}
	return nil, &Error{Code: "S0206", Position: n.pos, Token: n.str}
}

// lookupField reads a name from the input: from an object, or from every
// object of an array, flattening one level.
func lookupField(input any, name string) any {
	switch x := input.(type) {
	case *array:
		result := newSeq()
		for _, item := range x.items {
			res := lookupField(item, name)
			if isUndef(res) {
				continue
			}
			if a, ok := res.(*array); ok {
				result.items = append(result.items, a.items...)
			} else {
				result.items = append(result.items, res)
			}
		}
		return result
	case *Object:
		if v, ok := x.get(name); ok {
			return v
		}
	case map[string]any:
		if v, ok := x[name]; ok {
			return norm(v)
		}
	}
	return Undefined
}

func wildcard(input any) any {
	results := newSeq()
	if a, ok := input.(*array); ok && a.outerWrapper && len(a.items) > 0 {
		input = a.items[0]
	}
	if a, ok := input.(*array); ok {
		// an array is an object whose keys are its indexes
		for _, v := range a.items {
			if inner, ok := v.(*array); ok {
				results.items = flattenInto(results.items, inner)
			} else {
				results.items = append(results.items, v)
			}
		}
		return results
	}
	if !isObject(input) {
		return results
	}
	for _, k := range objectKeys(input) {
		v, _ := objectGet(input, k)
		if a, ok := v.(*array); ok {
			results.items = flattenInto(results.items, a)
		} else {
			results.items = append(results.items, v)
		}
	}
	return results
}

func flattenInto(dst []any, a *array) []any {
	for _, e := range a.items {
		if inner, ok := e.(*array); ok {
			dst = flattenInto(dst, inner)
		} else {
			dst = append(dst, e)
		}
	}
	return dst
}

func descendants(input any) any {
	if isUndef(input) {
		return Undefined
	}
	results := newSeq()
	recurseDescendants(input, results, 0)
	if len(results.items) == 1 {
		return results.items[0]
	}
	return results
}

// recurseDescendants collects input and everything below it; it stops
// past maxValueDepth, where only a value that contains itself reaches.
func recurseDescendants(input any, results *array, depth int) {
	if depth > maxValueDepth {
		return
	}
	if a, ok := input.(*array); ok {
		for _, m := range a.items {
			recurseDescendants(m, results, depth+1)
		}
		return
	}
	results.items = append(results.items, input)
	if isObject(input) {
		for _, k := range objectKeys(input) {
			v, _ := objectGet(input, k)
			recurseDescendants(v, results, depth+1)
		}
	}
}

func (ev *evaluator) path(n *node, input any, env *frame) (any, error) {
	if n.simple {
		if v, ok := simplePathValue(n, input, env); ok {
			return v, nil
		}
	}
	var inputSeq any
	if a, ok := input.(*array); ok && n.steps[0].typ != nodeVariable {
		inputSeq = a
	} else {
		inputSeq = newSeq(input)
	}
	var resultSeq any = Undefined
	isTuple := false
	var tuples *array
	for i, step := range n.steps {
		if step.tuple {
			isTuple = true
		}
		var err error
		switch {
		case i == 0 && step.consarray:
			resultSeq, err = ev.eval(step, inputSeq, env)
		case isTuple:
			tuples, err = ev.tupleStep(step, inputSeq, tuples, env)
		default:
			resultSeq, err = ev.step(step, inputSeq, env, i == len(n.steps)-1)
		}
		if err != nil {
			return nil, err
		}
		if !isTuple {
			if isUndef(resultSeq) {
				break
			}
			if a, ok := resultSeq.(*array); ok && len(a.items) == 0 {
				break
			}
		}
		if !step.hasFocus {
			inputSeq = resultSeq
		}
	}
	if isTuple {
		if n.tuple {
			resultSeq = tuples
		} else {
			out := newSeq()
			if tuples != nil {
				out.items = make([]any, len(tuples.items))
				for i, t := range tuples.items {
					out.items[i] = t.(*tuple).at
				}
			}
			resultSeq = out
		}
	}
	if n.keepSingletonArray {
		if a, ok := resultSeq.(*array); ok {
			if a.cons && !a.seq {
				a = newSeq(a)
				resultSeq = a
			}
			a.keepSingleton = true
		}
	}
	if n.group != nil {
		var in any = resultSeq
		if isTuple {
			in = tuples
		}
		return ev.group(n.group, in, env)
	}
	return resultSeq, nil
}

// seqItems lists what a step iterates over: an array's items, and nothing
// for any other value.
func seqItems(v any) []any {
	if a, ok := v.(*array); ok {
		return a.items
	}
	return nil
}

func (ev *evaluator) step(step *node, input any, env *frame, last bool) (any, error) {
	if step.typ == nodeSort {
		result, err := ev.sortStep(step, input, env)
		if err != nil {
			return nil, err
		}
		if step.stages != nil {
			return ev.stages(step.stages, result, env)
		}
		return result, nil
	}
	items := seqItems(input)
	out := &array{seq: true, items: make([]any, 0, len(items))}
	var first any
	count := 0
	for _, item := range items {
		res, err := ev.eval(step, item, env)
		if err != nil {
			return nil, err
		}
		for _, s := range step.stages {
			if res, err = ev.filter(s.filter, res, env); err != nil {
				return nil, err
			}
		}
		if isUndef(res) {
			continue
		}
		if count++; count == 1 {
			first = res
		}
		if a, ok := res.(*array); ok && !a.cons {
			out.items = append(out.items, a.items...)
		} else {
			out.items = append(out.items, res)
		}
	}
	if last && count == 1 {
		if a, ok := first.(*array); ok && !a.seq {
			return a, nil
		}
	}
	return out, nil
}

func (ev *evaluator) stages(stages []stage, input any, env *frame) (any, error) {
	result := input
	for _, s := range stages {
		if s.filter != nil {
			var err error
			if result, err = ev.filter(s.filter, result, env); err != nil {
				return nil, err
			}
			continue
		}
		for i, t := range seqItems(result) {
			if tp, ok := t.(*tuple); ok {
				tp.bind(s.index, float64(i))
			}
		}
	}
	return result, nil
}

// tupleFrame binds a tuple's variables in a new frame.
func tupleFrame(env *frame, t *tuple) *frame {
	f := &frame{parent: env, names: make([]string, 0, len(t.names)+1), vals: make([]any, 0, len(t.names)+1)}
	f.names = append(f.names, "@")
	f.vals = append(f.vals, t.at)
	f.names = append(f.names, t.names...)
	f.vals = append(f.vals, t.vals...)
	return f
}

func (ev *evaluator) tupleStep(step *node, input any, tuples *array, env *frame) (*array, error) {
	if step.typ == nodeSort {
		var result any
		if tuples != nil {
			r, err := ev.sortStep(step, tuples, env)
			if err != nil {
				return nil, err
			}
			result = r
		} else {
			sorted, err := ev.sortStep(step, input, env)
			if err != nil {
				return nil, err
			}
			out := &array{seq: true, tupleStream: true}
			for i, v := range seqItems(sorted) {
				t := &tuple{at: v}
				if step.hasIndex {
					t.bind(step.index, float64(i))
				}
				out.items = append(out.items, t)
			}
			result = out
		}
		if step.stages != nil {
			r, err := ev.stages(step.stages, result, env)
			if err != nil {
				return nil, err
			}
			result = r
		}
		a, _ := result.(*array)
		return a, nil
	}
	result := &array{seq: true, tupleStream: true}
	if tuples == nil {
		items := seqItems(input)
		tuples = &array{items: make([]any, len(items))}
		for i, item := range items {
			tuples.items[i] = &tuple{at: item}
		}
	}
	for _, ti := range tuples.items {
		t := ti.(*tuple)
		stepEnv := tupleFrame(env, t)
		res, err := ev.eval(step, t.at, stepEnv)
		if err != nil {
			return nil, err
		}
		if isUndef(res) {
			continue
		}
		ra, isArr := res.(*array)
		resItems := []any{res}
		if isArr {
			resItems = ra.items
		}
		for bb, rv := range resItems {
			nt := t.clone()
			switch {
			case isArr && ra.tupleStream:
				rt := rv.(*tuple)
				nt.at = rt.at
				for i, name := range rt.names {
					nt.bind(name, rt.vals[i])
				}
			default:
				if step.hasFocus {
					nt.bind(step.focus, rv)
				} else {
					nt.at = rv
				}
				if step.hasIndex {
					nt.bind(step.index, float64(bb))
				}
				if step.ancestor != nil {
					nt.bind(step.ancestor.label, t.at)
				}
			}
			result.items = append(result.items, nt)
		}
	}
	if step.stages != nil {
		r, err := ev.stages(step.stages, result, env)
		if err != nil {
			return nil, err
		}
		a, _ := r.(*array)
		return a, nil
	}
	return result, nil
}

func (ev *evaluator) filter(pred *node, input any, env *frame) (any, error) {
	results := newSeq()
	in, ok := input.(*array)
	if ok && in.tupleStream {
		results.tupleStream = true
	}
	if !ok {
		in = newSeq(input)
	}
	if pred.typ == nodeNumber {
		index := int(math.Floor(pred.num))
		if index < 0 {
			index += len(in.items)
		}
		if index >= 0 && index < len(in.items) {
			item := in.items[index]
			if !isUndef(item) {
				if a, ok := item.(*array); ok {
					return a, nil
				}
				results.items = append(results.items, item)
			}
		}
		return results, nil
	}
	for index, item := range in.items {
		context, fenv := item, env
		if in.tupleStream {
			t := item.(*tuple)
			context, fenv = t.at, tupleFrame(env, t)
		}
		res, err := ev.eval(pred, context, fenv)
		if err != nil {
			return nil, err
		}
		num, err := isNumber(res)
		if err != nil {
			return nil, err
		}
		if num {
			res = &array{items: []any{res}}
		}
		if nums, ok, err := arrayOfNumbers(res); err != nil {
			return nil, err
		} else if ok {
			for _, f := range nums {
				ii := int(math.Floor(f))
				if ii < 0 {
					ii += len(in.items)
				}
				if ii == index {
					results.items = append(results.items, item)
				}
			}
		} else if boolean(res) {
			results.items = append(results.items, item)
		}
	}
	return results, nil
}

// arrayOfNumbers reports whether v is an array whose every item is a
// number, and lists them.
func arrayOfNumbers(v any) ([]float64, bool, error) {
	a, ok := v.(*array)
	if !ok {
		return nil, false, nil
	}
	nums := make([]float64, 0, len(a.items))
	for _, e := range a.items {
		ok, err := isNumber(e)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, nil
		}
		nums = append(nums, e.(float64))
	}
	return nums, true, nil
}

// parallel tracks the items of an array or object constructor, which the
// reference evaluates concurrently (Promise.all): when several fail, the
// one that failed after the fewest steps is the error it reports. The
// steps an item took stand in for the turns of JavaScript's event loop.
type parallel struct {
	ev    *evaluator
	start int
	err   error
	cost  int
}

func (p *parallel) begin() { p.start = p.ev.calls }

// fail records an item's error; it reports whether evaluation must stop
// at once (an exceeded limit).
func (p *parallel) fail(err error) bool {
	cost := p.ev.calls - p.start
	if p.err == nil || cost < p.cost {
		p.err, p.cost = err, cost
	}
	e, ok := err.(*Error)
	return !ok || e.Code == "U1001"
}
