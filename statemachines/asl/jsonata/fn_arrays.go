package jsonata

import (
	"math/rand/v2"
)

// hofArgs passes a higher-order function its value and, as far as the
// function takes them, the index and the whole collection.
func hofArgs(fn any, v, i, all any) []any {
	args := []any{v}
	n := arity(fn)
	if n >= 2 {
		args = append(args, i)
	}
	if n >= 3 {
		args = append(args, all)
	}
	return args
}

// collectCalls applies fn to n members of all, each given by at as a value
// and its key, and collects the results that are not undefined.
func collectCalls(c *call, fn, all any, n int, at func(i int) (v, key any)) (any, error) {
	result := newSeq()
	for i := 0; i < n; i++ {
		v, key := at(i)
		r, err := c.apply(fn, hofArgs(fn, v, key, all)...)
		if err != nil {
			return nil, err
		}
		if !isUndef(r) {
			result.items = append(result.items, r)
		}
	}
	return result, nil
}

func fnMap(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	return collectCalls(c, args[1], a, len(a.items), func(i int) (any, any) { return a.items[i], float64(i) })
}

func fnFilter(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	result := newSeq()
	for i, e := range a.items {
		r, err := c.apply(args[1], hofArgs(args[1], e, float64(i), a)...)
		if err != nil {
			return nil, err
		}
		if boolean(r) {
			result.items = append(result.items, e)
		}
	}
	return result, nil
}

func fnSingle(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	var result any = Undefined
	found := false
	for i, e := range a.items {
		positive := true
		if fn := argAt(args, 1); !isUndef(fn) {
			r, err := c.apply(fn, hofArgs(fn, e, float64(i), a)...)
			if err != nil {
				return nil, err
			}
			positive = boolean(r)
		}
		if positive {
			if found {
				return nil, &Error{Code: "D3138", index: i}
			}
			result, found = e, true
		}
	}
	if !found {
		return nil, &Error{Code: "D3139"}
	}
	return result, nil
}

func fnZip(c *call, args []any) (any, error) {
	n := -1
	for _, a := range args {
		l := 0
		if x, ok := a.(*array); ok {
			l = len(x.items)
		}
		if n < 0 || l < n {
			n = l
		}
	}
	if n < 0 {
		n = 0
	}
	result := &array{items: make([]any, 0, n)}
	for i := 0; i < n; i++ {
		t := &array{items: make([]any, len(args))}
		for j, a := range args {
			t.items[j] = a.(*array).items[i]
		}
		result.items = append(result.items, t)
	}
	return result, nil
}

func fnReduce(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	fn := args[1]
	n := arity(fn)
	if n < 2 {
		return nil, &Error{Code: "D3050", index: 1}
	}
	var result any
	index := 0
	if init := argAt(args, 2); isUndef(init) && len(a.items) > 0 {
		result, index = a.items[0], 1
	} else {
		result = init
	}
	for ; index < len(a.items); index++ {
		fargs := []any{result, a.items[index]}
		if n >= 3 {
			fargs = append(fargs, float64(index))
		}
		if n >= 4 {
			fargs = append(fargs, a)
		}
		r, err := c.apply(fn, fargs...)
		if err != nil {
			return nil, err
		}
		result = r
	}
	return result, nil
}

func fnSift(c *call, args []any) (any, error) {
	obj := args[0]
	if !isObject(obj) {
		return Undefined, nil
	}
	fn := args[1]
	result := newObject(0)
	for _, k := range objectKeys(obj) {
		v, _ := objectGet(obj, k)
		r, err := c.apply(fn, hofArgs(fn, v, k, obj)...)
		if err != nil {
			return nil, err
		}
		if boolean(r) {
			result.set(k, v)
		}
	}
	if len(result.keys) == 0 {
		return Undefined, nil
	}
	return result, nil
}

func fnKeys(c *call, args []any) (any, error) {
	return keysOf(args[0]), nil
}

func keysOf(v any) *array {
	result := newSeq()
	if a, ok := v.(*array); ok {
		merged := newObject(0)
		for _, item := range a.items {
			for _, k := range keysOf(item).items {
				merged.set(k.(string), true)
			}
		}
		return keysOf(merged)
	}
	if isObject(v) {
		for _, k := range objectKeys(v) {
			result.items = append(result.items, k)
		}
	}
	return result
}

func fnLookup(c *call, args []any) (any, error) {
	key, _ := args[1].(string)
	return lookupField(args[0], key), nil
}

func fnAppend(c *call, args []any) (any, error) {
	x, _ := args[0].(*array)
	y, _ := args[1].(*array)
	if x != nil && y != nil && len(x.items)+len(y.items) > c.ev.maxArray {
		return nil, errArrayLength()
	}
	return appendValues(args[0], args[1]), nil
}

func fnExists(c *call, args []any) (any, error) { return !isUndef(args[0]), nil }

func fnSpread(c *call, args []any) (any, error) { return spread(args[0]), nil }

func spread(v any) any {
	if a, ok := v.(*array); ok {
		var result any = newSeq()
		for _, item := range a.items {
			result = appendValues(result, spread(item))
		}
		return result
	}
	if isObject(v) {
		result := newSeq()
		for _, k := range objectKeys(v) {
			e, _ := objectGet(v, k)
			o := newObject(1)
			o.set(k, e)
			result.items = append(result.items, o)
		}
		return result
	}
	return v
}

func fnMerge(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	result := newObject(0)
	for _, o := range a.items {
		for _, k := range objectKeys(o) {
			v, _ := objectGet(o, k)
			result.set(k, v)
		}
	}
	return result, nil
}

func fnReverse(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	if len(a.items) <= 1 {
		return a, nil
	}
	out := &array{items: make([]any, len(a.items))}
	for i, e := range a.items {
		out.items[len(a.items)-1-i] = e
	}
	return out, nil
}

func fnEach(c *call, args []any) (any, error) {
	obj := args[0]
	if !isObject(obj) {
		return newSeq(), nil
	}
	keys := objectKeys(obj)
	return collectCalls(c, args[1], obj, len(keys), func(i int) (any, any) {
		v, _ := objectGet(obj, keys[i])
		return v, keys[i]
	})
}

func fnError(c *call, args []any) (any, error) {
	msg, _ := argAt(args, 0).(string)
	if msg == "" {
		msg = "$error() function evaluated"
	}
	return nil, &Error{Code: "D3137", Message: msg}
}

func fnAssert(c *call, args []any) (any, error) {
	if b, _ := args[0].(bool); !b {
		msg, _ := argAt(args, 1).(string)
		if msg == "" {
			msg = "$assert() statement failed"
		}
		return nil, &Error{Code: "D3141", Message: msg}
	}
	return Undefined, nil
}

func fnType(c *call, args []any) (any, error) {
	switch args[0].(type) {
	case undefined:
		return Undefined, nil
	case nil:
		return "null", nil
	case float64:
		return "number", nil
	case string:
		return "string", nil
	case bool:
		return "boolean", nil
	case *array:
		return "array", nil
	}
	if isFunction(args[0]) {
		return "function", nil
	}
	return "object", nil
}

// jsTruthy is JavaScript's truthiness, which $sort applies to what its
// comparator returns.
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case undefined, nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && x == x
	case string:
		return x != ""
	}
	return true
}

func fnSort(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	if len(a.items) <= 1 {
		return a, nil
	}
	var less func(x, y any) (bool, error)
	if fn := argAt(args, 1); isUndef(fn) {
		_, nums, err := arrayOfNumbers(a)
		if err != nil {
			return nil, err
		}
		if !nums && !allStrings(a.items) {
			return nil, &Error{Code: "D3070", index: 1}
		}
		calls := 0
		less = func(x, y any) (bool, error) {
			if calls++; calls&0xFFFF == 0 {
				if err := c.ev.checkTime(); err != nil {
					return false, err
				}
			}
			if xs, ok := x.(string); ok {
				return compareStrings(xs, y.(string)) > 0, nil
			}
			return x.(float64) > y.(float64), nil
		}
	} else {
		less = func(x, y any) (bool, error) {
			r, err := c.apply(fn, x, y)
			if err != nil {
				return false, err
			}
			return jsTruthy(r), nil
		}
	}
	items, err := mergeSort(a.items, less)
	if err != nil {
		return nil, err
	}
	return &array{items: items}, nil
}

func allStrings(items []any) bool {
	for _, e := range items {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

// mergeSort sorts stably; swap(a, b) reports whether b goes before a.
func mergeSort(items []any, swap func(a, b any) (bool, error)) ([]any, error) {
	if len(items) <= 1 {
		return items, nil
	}
	mid := len(items) / 2
	left, err := mergeSort(append([]any(nil), items[:mid]...), swap)
	if err != nil {
		return nil, err
	}
	right, err := mergeSort(append([]any(nil), items[mid:]...), swap)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(items))
	i, j := 0, 0
	for i < len(left) && j < len(right) {
		s, err := swap(left[i], right[j])
		if err != nil {
			return nil, err
		}
		if s {
			out = append(out, right[j])
			j++
		} else {
			out = append(out, left[i])
			i++
		}
	}
	out = append(out, left[i:]...)
	return append(out, right[j:]...), nil
}

func fnShuffle(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	if len(a.items) <= 1 {
		return a, nil
	}
	out := &array{items: make([]any, len(a.items))}
	for i, e := range a.items {
		j := rand.IntN(i + 1)
		if i != j {
			out.items[i] = out.items[j]
		}
		out.items[j] = e
	}
	return out, nil
}

func fnDistinct(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok || len(a.items) <= 1 {
		return args[0], nil
	}
	out := &array{seq: a.seq}
	for i, e := range a.items {
		if i&1023 == 1023 {
			if err := c.ev.checkTime(); err != nil {
				return nil, err
			}
		}
		dup := false
		for _, r := range out.items {
			if deepEqual(e, r) {
				dup = true
				break
			}
		}
		if !dup {
			out.items = append(out.items, e)
		}
	}
	return out, nil
}

func fnBoolean(c *call, args []any) (any, error) {
	if isUndef(args[0]) {
		return Undefined, nil
	}
	return boolean(args[0]), nil
}

func fnNot(c *call, args []any) (any, error) {
	if isUndef(args[0]) {
		return Undefined, nil
	}
	return !boolean(args[0]), nil
}

func fnEval(c *call, args []any) (any, error) {
	src, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	input := c.input
	if focus := argAt(args, 1); !isUndef(focus) {
		input = focus
		if a, ok := input.(*array); ok && !a.seq {
			input = &array{items: []any{a}, seq: true, outerWrapper: true}
		}
	}
	ast, err := parse(src)
	if err != nil {
		e := err.(*Error)
		return nil, &Error{Code: "D3120", Value: e.Error()[len(e.Code)+2:]}
	}
	r, err := c.ev.eval(ast, input, c.env)
	if err != nil {
		if e, ok := err.(*Error); ok {
			if e.Code == "U1001" {
				return nil, e
			}
			return nil, &Error{Code: "D3121", Value: e.Error()[len(e.Code)+2:]}
		}
		return nil, err
	}
	return r, nil
}

func fnClone(c *call, args []any) (any, error) {
	if isUndef(args[0]) {
		return Undefined, nil
	}
	return cloneValue(args[0], 0)
}

// cloneValue deep-copies a value the way a JSON round trip does: numbers
// to 15 significant digits, functions as "", undefined members dropped.
func cloneValue(v any, depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, errCircular()
	}
	switch x := v.(type) {
	case *array:
		out := &array{items: make([]any, len(x.items))}
		for i, e := range x.items {
			if isUndef(e) {
				out.items[i] = nil
				continue
			}
			c, err := cloneValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			out.items[i] = c
		}
		return out, nil
	case *Object, map[string]any:
		keys := objectKeys(v)
		out := newObject(len(keys))
		for _, k := range keys {
			e, _ := objectGet(v, k)
			if isUndef(e) {
				continue
			}
			c, err := cloneValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			out.set(k, c)
		}
		return out, nil
	case float64:
		return precision15(x), nil
	}
	if isFunction(v) {
		return "", nil
	}
	return v, nil
}
