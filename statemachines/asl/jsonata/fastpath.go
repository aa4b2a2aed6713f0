package jsonata

// forEachNode calls fn on n and every node below it.
func forEachNode(n *node, fn func(*node)) {
	if n == nil {
		return
	}
	fn(n)
	for _, c := range []*node{n.lhs, n.rhs, n.procedure, n.body, n.cond, n.then, n.els, n.pattern, n.update, n.delete} {
		forEachNode(c, fn)
	}
	for _, list := range [][]*node{n.exprs, n.args, n.steps} {
		for _, c := range list {
			forEachNode(c, fn)
		}
	}
	for _, p := range n.pairs {
		forEachNode(p.key, fn)
		forEachNode(p.value, fn)
	}
	for _, t := range n.terms {
		forEachNode(t.expr, fn)
	}
	for _, s := range n.predicate {
		forEachNode(s.filter, fn)
	}
	for _, s := range n.stages {
		forEachNode(s.filter, fn)
	}
	if n.group != nil {
		for _, p := range n.group.pairs {
			forEachNode(p.key, fn)
			forEachNode(p.value, fn)
		}
	}
}

// markFastPaths flags the nodes the evaluator can take a shortcut for:
// paths of plain names (after an optional variable), and object
// constructors whose keys are distinct string literals.
func markFastPaths(root *node) {
	forEachNode(root, func(n *node) {
		switch n.typ {
		case nodePath:
			n.simple = simplePath(n)
		case nodeUnary:
			n.simple = n.str == "{" && literalKeys(n.pairs)
		}
	})
}

func plainStep(s *node) bool {
	return s.predicate == nil && s.stages == nil && s.group == nil && !s.tuple && !s.hasFocus &&
		!s.hasIndex && s.ancestor == nil && !s.keepArray && !s.consarray && s.seekingParent == nil
}

func simplePath(n *node) bool {
	if n.keepSingletonArray || n.group != nil || n.tuple || n.keepArray || n.seekingParent != nil {
		return false
	}
	for i, s := range n.steps {
		if !plainStep(s) {
			return false
		}
		if s.typ != nodeName && !(i == 0 && s.typ == nodeVariable && s.str != "") {
			return false
		}
	}
	return true
}

func literalKeys(pairs []pair) bool {
	seen := make(map[string]bool, len(pairs))
	for _, p := range pairs {
		if p.key.typ != nodeString || seen[p.key.str] {
			return false
		}
		seen[p.key.str] = true
	}
	return true
}

// simplePathValue walks a simple path through objects. ok is false when
// the walk meets an array, where the general algorithm must run.
func simplePathValue(n *node, input any, env *frame) (any, bool) {
	cur := input
	steps := n.steps
	if steps[0].typ == nodeVariable {
		cur = env.lookup(steps[0].str)
		steps = steps[1:]
	} else if _, isArr := cur.(*array); isArr {
		return nil, false
	}
	for _, s := range steps {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[s.str]
			if !ok {
				return Undefined, true
			}
			cur = norm(v)
		case *Object:
			v, ok := x.get(s.str)
			if !ok {
				return Undefined, true
			}
			cur = v
		case *array:
			return nil, false
		default:
			return Undefined, true
		}
	}
	if _, isArr := cur.(*array); isArr {
		return nil, false
	}
	return cur, true
}

// objectConstructor builds {"k": v, ...} with literal keys directly.
func (ev *evaluator) objectConstructor(n *node, input any, env *frame) (any, error) {
	o := newObject(len(n.pairs))
	par := parallel{ev: ev}
	for _, p := range n.pairs {
		par.begin()
		v, err := ev.eval(p.value, input, env)
		if err != nil {
			if par.fail(err) {
				return nil, err
			}
			continue
		}
		if !isUndef(v) {
			o.set(p.key.str, v)
		}
	}
	if par.err != nil {
		return nil, par.err
	}
	return o, nil
}
