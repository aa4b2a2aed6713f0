package jsonata

// nodeType is the kind of an AST node.
type nodeType uint8

const (
	nodePath nodeType = iota + 1
	nodeBinary
	nodeUnary // '-' negation, '[' array constructor, '{' object constructor
	nodeName
	nodeString
	nodeNumber
	nodeValue // true, false, null
	nodeWildcard
	nodeDescendant
	nodeParent
	nodeCondition
	nodeBlock
	nodeBind
	nodeRegex
	nodeFunction
	nodeVariable
	nodeLambda
	nodePartial
	nodeApply
	nodeTransform
	nodeSort
	nodePlaceholder // '?' in a partial application
	nodeOperator    // an operator token used where an operand stands (parser only)
)

// slot identifies the ancestor a parent operator (%) refers to.
type slot struct {
	label string
	level int
	index int
}

// stage is a filter or an index binding applied to a step.
type stage struct {
	filter *node  // a predicate, or nil for an index stage
	index  string // the #$var name of an index stage
	pos    int
}

// pair is one name/value pair of an object constructor or grouping.
type pair struct{ key, value *node }

// sortTerm is one term of an order-by clause.
type sortTerm struct {
	descending bool
	expr       *node
}

// node is one node of the syntax tree. Which fields are set depends on typ,
// following the reference implementation's AST after its post-processing.
type node struct {
	typ   nodeType
	pos   int
	str   string  // operator, name, variable name, string literal
	num   float64 // number literal
	value any     // nodeValue literal: true, false or nil

	lhs, rhs *node
	exprs    []*node // block expressions, array constructor items
	pairs    []pair  // object constructor
	steps    []*node // path steps

	procedure *node   // function, partial: the callee
	args      []*node // function, partial: the arguments
	params    []string
	signature *signature
	body      *node
	thunk     bool

	cond, then, els         *node
	pattern, update, delete *node
	terms                   []sortTerm
	re                      *regex

	predicate []stage
	stages    []stage
	group     *groupExpr

	focus    string // @$var
	index    string // #$var
	tuple    bool
	ancestor *slot
	slot     *slot // nodeParent

	keepArray          bool
	keepSingletonArray bool
	consarray          bool
	seekingParent      []*slot
	hasFocus           bool
	hasIndex           bool
	simple             bool // see markFastPaths
}

// groupExpr is a grouping clause {k: v, ...} after a step.
type groupExpr struct {
	pairs []pair
	pos   int
}
