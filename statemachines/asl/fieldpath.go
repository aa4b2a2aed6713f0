package asl

import (
	"slices"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
)

// fieldPath is a JSONata expression that is a variable followed by field
// names, $states.input.order.id or $order.id, which most expressions in a
// state machine are. The interpreter walks it itself, as the evaluator
// would, at a fraction of the evaluator's cost: through objects only, and
// leaving every other case (an array or a scalar on the way, where JSONata
// maps or stops) to the evaluator.
type fieldPath struct {
	variable string   // the variable, "states" for $states
	names    []string // the fields after it
}

// parseFieldPath recognises a field path among the expressions of a
// state: vars are the workflow variables the expression reads, which a
// path must start at unless it starts at $states.input, .result,
// .errorOutput or .context.
func parseFieldPath(src string, vars []string) *fieldPath {
	parts := strings.Split(src, ".")
	head, ok := strings.CutPrefix(parts[0], "$")
	if !ok || !isIdentifier(head) {
		return nil
	}
	for _, n := range parts[1:] {
		if !isIdentifier(n) {
			return nil
		}
	}
	switch {
	case head == reservedVariable:
		if len(parts) < 2 || !slices.Contains([]string{"input", "result", "errorOutput", "context"}, parts[1]) {
			return nil
		}
	case !slices.Contains(vars, head):
		return nil
	}
	return &fieldPath{variable: head, names: parts[1:]}
}

// isIdentifier reports whether s is a JSONata name that needs no quoting
// here: ASCII letters, digits and '_', not starting with a digit.
func isIdentifier(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// eval walks the path; ok is false when the evaluator must decide. A
// missing field is jsonata.Undefined, as in JSONata. The value comes back
// with its numbers spelled as the evaluator spells them.
func (p *fieldPath) eval(sc *stateCtx, states map[string]any) (v any, ok bool) {
	if p.variable == reservedVariable {
		v = states
	} else if v, ok = sc.variable(p.variable); !ok {
		return jsonata.Undefined, true
	}
	for _, name := range p.names {
		m, isObj := v.(map[string]any)
		if !isObj {
			return nil, false
		}
		if v, ok = m[name]; !ok {
			return jsonata.Undefined, true
		}
	}
	return jsonvalue.Numbers(v), true
}
