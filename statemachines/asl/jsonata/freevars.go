package jsonata

// freeVariables lists the $names an expression reads that no enclosing
// binding in the expression (:=, a lambda parameter, @ or #) defines. A
// variable assigned later in the same block than it is read still counts
// as free where it is read first. JSONata's own function names ($sum,
// $string, ...) are not listed.
func freeVariables(n *node) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n *node, bound map[string]bool)
	use := func(name string, bound map[string]bool) {
		if name == "" || name == "$" || bound[name] || seen[name] || isBuiltinName(name) {
			return
		}
		seen[name] = true
		out = append(out, name)
	}
	with := func(bound map[string]bool, names ...string) map[string]bool {
		m := make(map[string]bool, len(bound)+len(names))
		for k := range bound {
			m[k] = true
		}
		for _, k := range names {
			m[k] = true
		}
		return m
	}
	walk = func(n *node, bound map[string]bool) {
		if n == nil {
			return
		}
		switch n.typ {
		case nodeVariable:
			use(n.str, bound)
		case nodeBlock:
			inner := with(bound)
			for _, e := range n.exprs {
				walk(e, inner)
			}
			return
		case nodeBind:
			walk(n.rhs, bound)
			bound[n.lhs.str] = true
			return
		case nodeLambda:
			walk(n.body, with(bound, n.params...))
			return
		case nodePath:
			inner := bound
			for _, s := range n.steps {
				walk(s, inner)
				if s.hasFocus || s.hasIndex {
					inner = with(inner, s.focus, s.index)
				}
			}
			if n.group != nil {
				for _, p := range n.group.pairs {
					walk(p.key, inner)
					walk(p.value, inner)
				}
			}
			return
		}
		for _, c := range []*node{n.lhs, n.rhs, n.procedure, n.body, n.cond, n.then, n.els, n.pattern, n.update, n.delete} {
			walk(c, bound)
		}
		for _, c := range n.exprs {
			walk(c, bound)
		}
		for _, c := range n.args {
			walk(c, bound)
		}
		for _, c := range n.steps {
			walk(c, bound)
		}
		for _, p := range n.pairs {
			walk(p.key, bound)
			walk(p.value, bound)
		}
		for _, t := range n.terms {
			walk(t.expr, bound)
		}
		for _, s := range append(n.predicate, n.stages...) {
			if s.filter != nil {
				walk(s.filter, with(bound, s.index))
			}
		}
		if n.group != nil {
			for _, p := range n.group.pairs {
				walk(p.key, bound)
				walk(p.value, bound)
			}
		}
	}
	walk(n, map[string]bool{})
	return out
}

// isBuiltinName reports whether name is one of JSONata's own functions.
func isBuiltinName(name string) bool {
	if name == "now" || name == "millis" {
		return true
	}
	_, ok := builtins()[name]
	return ok
}
