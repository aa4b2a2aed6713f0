package asl

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// Limits on workflow variables, as Step Functions sets them.
const (
	// MaxVariableSize is the largest value one variable may hold, in bytes
	// of JSON.
	MaxVariableSize = 256 * 1024
	// MaxAssignSize is the most one Assign may set, all its variables
	// together.
	MaxAssignSize = 256 * 1024
	// MaxVariablesSize is the most the variables visible to a state may
	// hold together.
	MaxVariablesSize = 10 * 1024 * 1024
)

// reservedVariable is the name Step Functions keeps for itself.
const reservedVariable = "states"

// scope holds the workflow variables of one thread of a run: the top
// level, or a Map iteration or Parallel branch, which reads the variables
// of the scopes around it and cannot assign them. A scope is written only
// by its own thread, between states, while the scopes inside it are not
// running, so it needs no lock.
type scope struct {
	parent *scope
	vars   map[string]any
	sizes  map[string]int // each variable's size in bytes of JSON
	bytes  int            // the sum of sizes
}

// newScope returns an empty scope inside parent (nil for the top level).
func newScope(parent *scope) *scope { return &scope{parent: parent} }

// get returns the value of the variable name as seen from s.
func (s *scope) get(name string) (any, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// outer reports whether name is defined in a scope around s.
func (s *scope) outer(name string) bool {
	_, ok := s.parent.get(name)
	return s.parent != nil && ok
}

// total is the size of every variable visible from s.
func (s *scope) total() int {
	n := 0
	for ; s != nil; s = s.parent {
		n += s.bytes
	}
	return n
}

// all returns every variable visible from s, inner scopes hiding none of
// the outer ones (they cannot share names).
func (s *scope) all() map[string]any {
	out := map[string]any{}
	for ; s != nil; s = s.parent {
		for k, v := range s.vars {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// seed starts the scope with vars, as TestState's variables parameter
// does.
func (s *scope) seed(vars map[string]any) {
	s.vars, s.sizes, s.bytes = vars, make(map[string]int, len(vars)), 0
	for name, v := range vars {
		s.sizes[name], _ = jsonvalue.Len(v, MaxVariablesSize)
		s.bytes += s.sizes[name]
	}
}

// set stores the variables an Assign evaluated, after checking the scope
// rule and the size limits; on error nothing is stored.
func (s *scope) set(sc *stateCtx, assigned map[string]any) error {
	sizes := make(map[string]int, len(assigned))
	sum := 0
	for _, name := range slices.Sorted(maps.Keys(assigned)) {
		if s.outer(name) {
			return sc.runtimef("The variable '%s' belongs to an outer scope: a Map iteration or Parallel branch cannot assign it.", name)
		}
		n, _ := jsonvalue.Len(assigned[name], MaxVariableSize)
		if n > MaxVariableSize {
			return newError(ErrorDataLimitExceeded, fmt.Sprintf("The variable '%s' assigned by the state '%s' exceeds the maximum size of %d bytes.", name, sc.st.name, MaxVariableSize))
		}
		sizes[name] = n
		sum += n
	}
	if sum > MaxAssignSize {
		return newError(ErrorDataLimitExceeded, fmt.Sprintf("The variables assigned by the state '%s' exceed the maximum size of %d bytes for one Assign.", sc.st.name, MaxAssignSize))
	}
	grown := s.total() + sum
	for name := range assigned {
		grown -= s.sizes[name]
	}
	if grown > MaxVariablesSize {
		return newError(ErrorDataLimitExceeded, fmt.Sprintf("The variables of the execution would exceed the maximum size of %d bytes after the state '%s'.", MaxVariablesSize, sc.st.name))
	}
	if s.vars == nil {
		s.vars, s.sizes = make(map[string]any, len(assigned)), make(map[string]int, len(assigned))
	}
	for name, v := range assigned {
		s.bytes += sizes[name] - s.sizes[name]
		// Stored decoded: JSONata expressions read variables as values.
		s.vars[name], s.sizes[name] = jsonvalue.Expand(v), sizes[name]
	}
	return nil
}

// assignment is a compiled Assign field: a template whose members are the
// variables it sets, written as a JSONPath payload template or as JSONata.
type assignment struct {
	tmpl *template
}

// assignField loads an optional Assign. An empty Assign sets nothing and
// is dropped, so the state reports no assignment, as on AWS. field is how
// JSONata errors name it ("Assign", "Choices[0]/Assign").
func (l *loader) assignField(o obj, jsonata bool, field string) *assignment {
	v, ok := o.m["Assign"]
	if !ok {
		return nil
	}
	ao, ok := l.asObj(o.at("Assign"), v)
	if !ok || len(ao.m) == 0 {
		return nil
	}
	seen := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(ao.m)) {
		name := k
		if !jsonata {
			name = strings.TrimSuffix(k, ".$")
		}
		switch {
		case name == reservedVariable:
			l.addf(ao.at(k), "%q is reserved by Step Functions and cannot be assigned", name)
		case !jsonpath.IsVariableName(name):
			l.addf(ao.at(k), "%q is not a valid variable name: use a letter or '_', then letters, digits or '_', at most 80 in all", name)
		case seen[name] != "":
			l.addf(ao.at(k), "the variable %q is assigned twice (also as %q)", name, seen[name])
		}
		seen[name] = k
	}
	if jsonata {
		return &assignment{tmpl: l.jsonataTemplate(ao.loc, field, v)}
	}
	return &assignment{tmpl: l.template(ao.loc, v)}
}

// eval evaluates the assignment: for JSONPath, paths read in ($) and the
// variables; for JSONata, in is the $states object.
func (a *assignment) eval(in any, sc *stateCtx) (map[string]any, error) {
	v, err := a.tmpl.eval(in, sc)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// assign evaluates a and holds the result until the state ends, when the
// variables are set. A nil a assigns nothing.
func (sc *stateCtx) assign(a *assignment, in any) error {
	if a == nil {
		return nil
	}
	m, err := a.eval(in, sc)
	if err != nil {
		return err
	}
	sc.assigned = m
	return nil
}

// variable reads a variable for a path or an intrinsic function.
func (sc *stateCtx) variable(name string) (any, bool) { return sc.fr.vars.get(name) }

// undefinedVariable is the error of a JSONPath that reads a variable no
// state has assigned.
type undefinedVariable struct{ name string }

func (e *undefinedVariable) Error() string {
	return fmt.Sprintf("the variable '$%s' is not defined", e.name)
}

// variableRoot returns the value a variable path starts from.
func (sc *stateCtx) variableRoot(p *jsonpath.Path) (any, error) {
	v, ok := sc.variable(p.Variable())
	if !ok {
		return nil, &undefinedVariable{p.Variable()}
	}
	return v, nil
}

// variablesText renders variables as the history and TestState show them:
// each value as JSON text.
func variablesText(vars map[string]any) map[string]string {
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		out[k] = jsonText(v)
	}
	return out
}

// decodeVariables reads TestState's variables parameter: a JSON object.
func decodeVariables(text []byte) (map[string]any, error) {
	if len(strings.TrimSpace(string(text))) == 0 {
		return nil, nil
	}
	v, err := decodeJSON(text)
	if err != nil {
		return nil, fmt.Errorf("asl: invalid variables: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("asl: variables must be a JSON object, not %s", jsontype.Name(v))
	}
	for name := range m {
		if name == reservedVariable || !jsonpath.IsVariableName(name) {
			return nil, fmt.Errorf("asl: %q is not a variable name a state can assign", name)
		}
	}
	return m, nil
}
