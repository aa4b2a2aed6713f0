package jsonata

import "strconv"

// process rewrites the parse tree the way the reference implementation's
// post-parse stage does: location paths become flat lists of steps,
// predicates become stages, grouping, sorting, focus (@), index (#) and
// parent (%) bindings are attached to their steps, and tail calls in
// function bodies become thunks.
func (p *parser) process(expr *node) (*node, error) {
	var result *node
	var err error
	switch expr.typ {
	case nodeBinary:
		result, err = p.processBinary(expr)
	case nodeUnary:
		result, err = p.processUnary(expr)
	case nodeFunction, nodePartial:
		result = &node{typ: expr.typ, pos: expr.pos}
		result.args = make([]*node, len(expr.args))
		for i, a := range expr.args {
			if result.args[i], err = p.process(a); err != nil {
				return nil, err
			}
			pushAncestry(result, result.args[i])
		}
		if result.procedure, err = p.process(expr.procedure); err != nil {
			return nil, err
		}
	case nodeLambda:
		result = &node{typ: nodeLambda, pos: expr.pos, params: expr.params, signature: expr.signature}
		body, err := p.process(expr.body)
		if err != nil {
			return nil, err
		}
		result.body = tailCallOptimize(body)
	case nodeCondition:
		result = &node{typ: nodeCondition, pos: expr.pos}
		if result.cond, err = p.process(expr.cond); err != nil {
			return nil, err
		}
		pushAncestry(result, result.cond)
		if result.then, err = p.process(expr.then); err != nil {
			return nil, err
		}
		pushAncestry(result, result.then)
		if expr.els != nil {
			if result.els, err = p.process(expr.els); err != nil {
				return nil, err
			}
			pushAncestry(result, result.els)
		}
	case nodeTransform:
		result = &node{typ: nodeTransform, pos: expr.pos}
		if result.pattern, err = p.process(expr.pattern); err != nil {
			return nil, err
		}
		if result.update, err = p.process(expr.update); err != nil {
			return nil, err
		}
		if expr.delete != nil {
			if result.delete, err = p.process(expr.delete); err != nil {
				return nil, err
			}
		}
	case nodeBlock:
		result = &node{typ: nodeBlock, pos: expr.pos}
		result.exprs = make([]*node, len(expr.exprs))
		for i, e := range expr.exprs {
			part, err := p.process(e)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, part)
			if part.consarray || (part.typ == nodePath && part.steps[0].consarray) {
				result.consarray = true
			}
			result.exprs[i] = part
		}
	case nodeName:
		result = &node{typ: nodePath, pos: expr.pos, steps: []*node{expr}}
		if expr.keepArray {
			result.keepSingletonArray = true
		}
	case nodeParent:
		result = &node{typ: nodeParent, pos: expr.pos, slot: &slot{label: "!" + strconv.Itoa(p.ancestorLabel), level: 1, index: len(p.ancestry)}}
		p.ancestorLabel++
		p.ancestry = append(p.ancestry, result)
	case nodeString, nodeNumber, nodeValue, nodeWildcard, nodeDescendant, nodeVariable, nodeRegex, nodePlaceholder:
		result = expr
	case nodeOperator:
		// and, or, in used as names
		if expr.str == "and" || expr.str == "or" || expr.str == "in" {
			expr.typ = nodeName
			return p.process(expr)
		}
		return nil, &Error{Code: "S0201", Position: expr.pos, Token: expr.str}
	default:
		return nil, &Error{Code: "S0206", Position: expr.pos, Token: expr.str}
	}
	if err != nil {
		return nil, err
	}
	if expr.keepArray {
		result.keepArray = true
	}
	return result, nil
}

func (p *parser) processUnary(expr *node) (*node, error) {
	result := &node{typ: nodeUnary, str: expr.str, pos: expr.pos}
	var err error
	switch expr.str {
	case "[":
		result.exprs = make([]*node, len(expr.exprs))
		for i, item := range expr.exprs {
			if result.exprs[i], err = p.process(item); err != nil {
				return nil, err
			}
			pushAncestry(result, result.exprs[i])
		}
	case "{":
		result.pairs = make([]pair, len(expr.pairs))
		for i, pr := range expr.pairs {
			k, err := p.process(pr.key)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, k)
			v, err := p.process(pr.value)
			if err != nil {
				return nil, err
			}
			pushAncestry(result, v)
			result.pairs[i] = pair{k, v}
		}
	default:
		if result.lhs, err = p.process(expr.lhs); err != nil {
			return nil, err
		}
		if expr.str == "-" && result.lhs.typ == nodeNumber {
			n := result.lhs
			n.num = -n.num
			return n, nil
		}
		pushAncestry(result, result.lhs)
	}
	return result, nil
}

func (p *parser) processBinary(expr *node) (*node, error) {
	switch expr.str {
	case ".":
		return p.processPath(expr)
	case "[":
		return p.processPredicate(expr)
	case "{":
		result, err := p.process(expr.lhs)
		if err != nil {
			return nil, err
		}
		if result.group != nil {
			return nil, &Error{Code: "S0210", Position: expr.pos}
		}
		g := &groupExpr{pos: expr.pos, pairs: make([]pair, len(expr.pairs))}
		for i, pr := range expr.pairs {
			k, err := p.process(pr.key)
			if err != nil {
				return nil, err
			}
			v, err := p.process(pr.value)
			if err != nil {
				return nil, err
			}
			g.pairs[i] = pair{k, v}
		}
		result.group = g
		return result, nil
	case "^":
		return p.processSort(expr)
	case ":=":
		result := &node{typ: nodeBind, str: ":=", pos: expr.pos}
		var err error
		if result.lhs, err = p.process(expr.lhs); err != nil {
			return nil, err
		}
		if result.rhs, err = p.process(expr.rhs); err != nil {
			return nil, err
		}
		pushAncestry(result, result.rhs)
		return result, nil
	case "@":
		return p.processFocus(expr)
	case "#":
		return p.processIndex(expr)
	case "~>":
		result := &node{typ: nodeApply, str: "~>", pos: expr.pos}
		var err error
		if result.lhs, err = p.process(expr.lhs); err != nil {
			return nil, err
		}
		if result.rhs, err = p.process(expr.rhs); err != nil {
			return nil, err
		}
		result.keepArray = result.lhs.keepArray || result.rhs.keepArray
		return result, nil
	}
	result := &node{typ: nodeBinary, str: expr.str, pos: expr.pos}
	var err error
	if result.lhs, err = p.process(expr.lhs); err != nil {
		return nil, err
	}
	if result.rhs, err = p.process(expr.rhs); err != nil {
		return nil, err
	}
	pushAncestry(result, result.lhs)
	pushAncestry(result, result.rhs)
	return result, nil
}

func (p *parser) processPath(expr *node) (*node, error) {
	lstep, err := p.process(expr.lhs)
	if err != nil {
		return nil, err
	}
	var result *node
	if lstep.typ == nodePath {
		result = lstep
	} else {
		result = &node{typ: nodePath, pos: lstep.pos, steps: []*node{lstep}}
	}
	if lstep.typ == nodeParent {
		result.seekingParent = []*slot{lstep.slot}
	}
	rest, err := p.process(expr.rhs)
	if err != nil {
		return nil, err
	}
	if rest.typ == nodePath {
		result.steps = append(result.steps, rest.steps...)
	} else {
		if rest.predicate != nil {
			rest.stages = rest.predicate
			rest.predicate = nil
		}
		result.steps = append(result.steps, rest)
	}
	for _, step := range result.steps {
		if step.typ == nodeNumber || step.typ == nodeValue {
			var v any = step.value
			if step.typ == nodeNumber {
				v = step.num
			}
			return nil, &Error{Code: "S0213", Position: step.pos, Value: v}
		}
		if step.typ == nodeString {
			step.typ = nodeName
		}
	}
	for _, step := range result.steps {
		if step.keepArray {
			result.keepSingletonArray = true
		}
	}
	if first := result.steps[0]; first.typ == nodeUnary && first.str == "[" {
		first.consarray = true
	}
	if last := result.steps[len(result.steps)-1]; last.typ == nodeUnary && last.str == "[" {
		last.consarray = true
	}
	if err := p.resolveAncestry(result); err != nil {
		return nil, err
	}
	return result, nil
}

// processStep processes the left side of a step operator ([ ], @, #) and
// returns it with the step the operator applies to: the node itself, or a
// path's last step.
func (p *parser) processStep(lhs *node) (result, step *node, err error) {
	if result, err = p.process(lhs); err != nil {
		return nil, nil, err
	}
	step = result
	if result.typ == nodePath {
		step = result.steps[len(result.steps)-1]
	}
	return result, step, nil
}

func (p *parser) processPredicate(expr *node) (*node, error) {
	result, step, err := p.processStep(expr.lhs)
	if err != nil {
		return nil, err
	}
	inStages := result.typ == nodePath
	if step.group != nil {
		return nil, &Error{Code: "S0209", Position: expr.pos}
	}
	pred, err := p.process(expr.rhs)
	if err != nil {
		return nil, err
	}
	if pred.seekingParent != nil {
		for _, s := range pred.seekingParent {
			if s.level == 1 {
				if _, err := p.seekParent(step, s); err != nil {
					return nil, err
				}
			} else {
				s.level--
			}
		}
		pushAncestry(step, pred)
	}
	st := stage{filter: pred, pos: expr.pos}
	if inStages {
		step.stages = append(step.stages, st)
	} else {
		step.predicate = append(step.predicate, st)
	}
	return result, nil
}

func (p *parser) processSort(expr *node) (*node, error) {
	result, err := p.process(expr.lhs)
	if err != nil {
		return nil, err
	}
	if result.typ != nodePath {
		result = &node{typ: nodePath, pos: result.pos, steps: []*node{result}}
	}
	sortStep := &node{typ: nodeSort, pos: expr.pos}
	for _, t := range expr.terms {
		e, err := p.process(t.expr)
		if err != nil {
			return nil, err
		}
		pushAncestry(sortStep, e)
		sortStep.terms = append(sortStep.terms, sortTerm{descending: t.descending, expr: e})
	}
	result.steps = append(result.steps, sortStep)
	if err := p.resolveAncestry(result); err != nil {
		return nil, err
	}
	return result, nil
}

func (p *parser) processFocus(expr *node) (*node, error) {
	result, step, err := p.processStep(expr.lhs)
	if err != nil {
		return nil, err
	}
	if step.stages != nil || step.predicate != nil {
		return nil, &Error{Code: "S0215", Position: expr.pos}
	}
	if step.typ == nodeSort {
		return nil, &Error{Code: "S0216", Position: expr.pos}
	}
	if expr.keepArray {
		step.keepArray = true
	}
	step.focus = expr.rhs.str
	step.hasFocus = true
	step.tuple = true
	return result, nil
}

func (p *parser) processIndex(expr *node) (*node, error) {
	result, step, err := p.processStep(expr.lhs)
	if err != nil {
		return nil, err
	}
	if result.typ != nodePath {
		result = &node{typ: nodePath, pos: result.pos, steps: []*node{result}}
		if step.predicate != nil {
			step.stages = step.predicate
			step.predicate = nil
		}
	}
	if step.stages == nil {
		step.index = expr.rhs.str
		step.hasIndex = true
	} else {
		step.stages = append(step.stages, stage{index: expr.rhs.str, pos: expr.pos})
	}
	step.tuple = true
	return result, nil
}

// tailCallOptimize wraps a function call in tail position into a thunk
// that the caller's trampoline evaluates, so tail recursion runs in
// constant stack.
func tailCallOptimize(expr *node) *node {
	switch expr.typ {
	case nodeFunction:
		if expr.predicate == nil {
			return &node{typ: nodeLambda, thunk: true, pos: expr.pos, body: expr}
		}
	case nodeCondition:
		expr.then = tailCallOptimize(expr.then)
		if expr.els != nil {
			expr.els = tailCallOptimize(expr.els)
		}
	case nodeBlock:
		if n := len(expr.exprs); n > 0 {
			expr.exprs[n-1] = tailCallOptimize(expr.exprs[n-1])
		}
	}
	return expr
}

func (p *parser) seekParent(n *node, s *slot) (*slot, error) {
	switch n.typ {
	case nodeName, nodeWildcard:
		s.level--
		if s.level == 0 {
			if n.ancestor != nil {
				p.ancestry[s.index].slot.label = n.ancestor.label
			}
			n.ancestor = s
			n.tuple = true
		}
	case nodeParent:
		s.level++
	case nodeBlock:
		if len(n.exprs) > 0 {
			n.tuple = true
			return p.seekParent(n.exprs[len(n.exprs)-1], s)
		}
	case nodePath:
		n.tuple = true
		i := len(n.steps) - 1
		var err error
		if s, err = p.seekParent(n.steps[i], s); err != nil {
			return nil, err
		}
		for i--; s.level > 0 && i >= 0; i-- {
			if s, err = p.seekParent(n.steps[i], s); err != nil {
				return nil, err
			}
		}
	default:
		return nil, &Error{Code: "S0217", Position: n.pos, Token: typeName(n)}
	}
	return s, nil
}

func pushAncestry(result, value *node) {
	if value.seekingParent == nil && value.typ != nodeParent {
		return
	}
	slots := value.seekingParent
	if value.typ == nodeParent {
		slots = append(slots, value.slot)
	}
	result.seekingParent = append(result.seekingParent, slots...)
	if result.seekingParent == nil {
		result.seekingParent = []*slot{}
	}
}

func (p *parser) resolveAncestry(path *node) error {
	last := path.steps[len(path.steps)-1]
	slots := last.seekingParent
	if last.typ == nodeParent {
		slots = append(slots, last.slot)
	}
	for _, s := range slots {
		i := len(path.steps) - 2
		for s.level > 0 {
			if i < 0 {
				path.seekingParent = append(path.seekingParent, s)
				break
			}
			step := path.steps[i]
			i--
			for i >= 0 && step.hasFocus && path.steps[i].hasFocus {
				step = path.steps[i]
				i--
			}
			var err error
			if s, err = p.seekParent(step, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// typeName is the reference implementation's name of a node type, used in
// S0217 errors.
func typeName(n *node) string {
	switch n.typ {
	case nodePath:
		return "path"
	case nodeBinary:
		return "binary"
	case nodeUnary:
		return "unary"
	case nodeName:
		return "name"
	case nodeString:
		return "string"
	case nodeNumber:
		return "number"
	case nodeValue:
		return "value"
	case nodeWildcard:
		return "wildcard"
	case nodeDescendant:
		return "descendant"
	case nodeParent:
		return "parent"
	case nodeCondition:
		return "condition"
	case nodeBlock:
		return "block"
	case nodeBind:
		return "bind"
	case nodeRegex:
		return "regex"
	case nodeFunction:
		return "function"
	case nodeVariable:
		return "variable"
	case nodeLambda:
		return "lambda"
	case nodePartial:
		return "partial"
	case nodeApply:
		return "apply"
	case nodeTransform:
		return "transform"
	case nodeSort:
		return "sort"
	}
	return "operator"
}
