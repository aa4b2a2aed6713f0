package jsonata

// sortStep evaluates an order-by step (^(...)) over input.
func (ev *evaluator) sortStep(n *node, input any, env *frame) (any, error) {
	in, ok := input.(*array)
	if !ok {
		return input, nil
	}
	if len(in.items) <= 1 {
		return in, nil
	}
	isTuple := in.tupleStream
	termValue := func(t sortTerm, v any) (any, error) {
		if isTuple {
			tp := v.(*tuple)
			return ev.eval(t.expr, tp.at, tupleFrame(env, tp))
		}
		return ev.eval(t.expr, v, env)
	}
	swap := func(a, b any) (bool, error) {
		comp := 0
		for _, t := range n.terms {
			if comp != 0 {
				break
			}
			aa, err := termValue(t, a)
			if err != nil {
				return false, err
			}
			bb, err := termValue(t, b)
			if err != nil {
				return false, err
			}
			if isUndef(aa) {
				if !isUndef(bb) {
					comp = 1
				}
				continue
			}
			if isUndef(bb) {
				comp = -1
				continue
			}
			comp, err = compareTerms(aa, bb, n.pos)
			if err != nil {
				return false, err
			}
			if t.descending {
				comp = -comp
			}
		}
		return comp == 1, nil
	}
	items, err := mergeSort(in.items, swap)
	if err != nil {
		return nil, err
	}
	return &array{items: items}, nil
}

func compareTerms(aa, bb any, pos int) (int, error) {
	sortable := func(v any) bool {
		switch v.(type) {
		case string, float64:
			return true
		}
		return false
	}
	if !sortable(aa) || !sortable(bb) {
		bad := bb
		if !sortable(aa) {
			bad = aa
		}
		return 0, &Error{Code: "T2008", Position: pos, Value: bad}
	}
	as, aStr := aa.(string)
	bs, bStr := bb.(string)
	if aStr != bStr {
		return 0, &Error{Code: "T2007", Position: pos, Value: aa, Value2: bb}
	}
	if aStr {
		return compareStrings(as, bs), nil
	}
	af, bf := aa.(float64), bb.(float64)
	switch {
	case af == bf:
		return 0, nil
	case af < bf:
		return -1, nil
	}
	return 1, nil
}

// transform applies a transform expression |pattern|update,delete| to a
// copy of obj.
func (ev *evaluator) transform(n *node, obj any, env *frame) (any, error) {
	if isUndef(obj) {
		return Undefined, nil
	}
	clone := env.lookup("clone")
	if !isFunction(clone) {
		return nil, &Error{Code: "T2013", Position: n.pos}
	}
	result, err := ev.applyFn(clone, []any{obj}, nil, env, "", 0)
	if err != nil {
		return nil, err
	}
	matches, err := ev.eval(n.pattern, result, env)
	if err != nil {
		return nil, err
	}
	if isUndef(matches) {
		return result, nil
	}
	list := []any{matches}
	if a, ok := matches.(*array); ok {
		list = a.items
	}
	for _, m := range list {
		if err := ev.transformMatch(n, m, env); err != nil {
			return nil, err
		}
	}
	return result, nil
}

func (ev *evaluator) transformMatch(n *node, m any, env *frame) error {
	target, _ := m.(*Object)
	update, err := ev.eval(n.update, m, env)
	if err != nil {
		return err
	}
	if !isUndef(update) {
		if !isObject(update) {
			return &Error{Code: "T2011", Position: n.update.pos, Value: update}
		}
		if _, isArr := m.(*array); target == nil && !isArr && objectLen(update) > 0 {
			// JavaScript cannot set a property on a primitive value
			return &Error{Code: "U1002", Position: n.update.pos, Value: "TypeError: Cannot create property on " + jsStringOf(m)}
		}
		if target != nil {
			for _, k := range objectKeys(update) {
				v, _ := objectGet(update, k)
				target.set(k, v)
			}
		}
	}
	if n.delete == nil {
		return nil
	}
	deletions, err := ev.eval(n.delete, m, env)
	if err != nil || isUndef(deletions) {
		return err
	}
	list := []any{deletions}
	if a, ok := deletions.(*array); ok {
		list = a.items
	}
	if !allStrings(list) {
		return &Error{Code: "T2012", Position: n.delete.pos, Value: deletions}
	}
	if target != nil {
		for _, k := range list {
			target.remove(k.(string))
		}
	}
	return nil
}
