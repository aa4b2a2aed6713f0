package intrinsic

// maxRangeItems is the largest array States.ArrayRange may build.
const maxRangeItems = 1000

func runArray(_ *evaluator, _ *call, args []any) (any, error) {
	out := make([]any, len(args))
	copy(out, args)
	return out, nil
}

func runArrayPartition(_ *evaluator, c *call, args []any) (any, error) {
	a, err := argArray(c, args, 0)
	if err != nil {
		return nil, err
	}
	size, err := argInt(c, args, 1)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, failf("%s: the chunk size must be greater than 0, got %d", c.name, size)
	}
	out := []any{}
	for start := 0; start < len(a); start += int(size) {
		end := min(start+int(size), len(a))
		chunk := make([]any, end-start)
		copy(chunk, a[start:end])
		out = append(out, chunk)
	}
	return out, nil
}

func runArrayContains(_ *evaluator, c *call, args []any) (any, error) {
	a, err := argArray(c, args, 0)
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if equal(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

// runArrayRange builds [start, start+step, ...] up to and including end.
func runArrayRange(_ *evaluator, c *call, args []any) (any, error) {
	var n [3]int64
	for i := range n {
		v, err := argInt(c, args, i)
		if err != nil {
			return nil, err
		}
		n[i] = v
	}
	start, end, step := n[0], n[1], n[2]
	if step == 0 {
		return nil, failf("%s: the step must not be 0", c.name)
	}
	count := int64(0)
	if (step > 0 && end >= start) || (step < 0 && end <= start) {
		count = (end-start)/step + 1
	}
	if count > maxRangeItems {
		return nil, failf("%s: the range would have %d items, more than the maximum of %d",
			c.name, count, maxRangeItems)
	}
	out := make([]any, 0, count)
	for i := int64(0); i < count; i++ {
		out = append(out, num(start+i*step))
	}
	return out, nil
}

func runArrayGetItem(_ *evaluator, c *call, args []any) (any, error) {
	a, err := argArray(c, args, 0)
	if err != nil {
		return nil, err
	}
	i, err := argInt(c, args, 1)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= int64(len(a)) {
		return nil, failf("%s: index %d is out of bounds for an array of length %d", c.name, i, len(a))
	}
	return a[i], nil
}

func runArrayLength(_ *evaluator, c *call, args []any) (any, error) {
	a, err := argArray(c, args, 0)
	if err != nil {
		return nil, err
	}
	return num(int64(len(a))), nil
}

// runArrayUnique keeps the first occurrence of each value, in order.
func runArrayUnique(_ *evaluator, c *call, args []any) (any, error) {
	a, err := argArray(c, args, 0)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, e := range a {
		if !containsValue(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func containsValue(a []any, v any) bool {
	for _, e := range a {
		if equal(e, v) {
			return true
		}
	}
	return false
}
