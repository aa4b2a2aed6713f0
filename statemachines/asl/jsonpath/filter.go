package jsonpath

// node is a filter expression node.
type node interface {
	eval(current, root any) any
}

// filterStep reads [?(...)] (the '[' is already consumed).
func (ps *parser) filterStep() (step, error) {
	return step{}, ps.fail("filters are not supported yet")
}

// applyFilter keeps the elements of an array (or an object itself) that
// satisfy the filter.
func (s step) applyFilter(v, root any, out []any) []any {
	return out
}
