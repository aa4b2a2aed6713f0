package asl

import (
	"fmt"
	"regexp"
	"strings"
)

// Definition is a parsed and validated state machine definition. It is
// immutable and may back any number of Machines.
type Definition struct {
	// Comment is the definition's top-level Comment.
	Comment string
	// TimeoutSeconds is the execution timeout, 0 when none is set.
	TimeoutSeconds int64

	root *graph
	text []byte
}

// Text returns the definition's JSON text after substitution.
func (d *Definition) Text() []byte { return append([]byte(nil), d.text...) }

// graph is a StartAt with its States: the top level, a Parallel branch or a
// Map item processor.
type graph struct {
	startAt string
	states  map[string]*state
}

// substitution matches ${Name} as CloudFormation's DefinitionSubstitutions do.
var substitution = regexp.MustCompile(`\$\{([^}]*)\}`)

// Parse reads a state machine definition, applies substitutions and
// validates it. Substitutions replace each ${Name} in the JSON text before
// parsing, as CloudFormation's DefinitionSubstitutions do; when substitutions
// is nil the text is used as it is, otherwise every ${Name} must have a value.
// A definition AWS would reject yields a *LoadError.
func Parse(definition []byte, substitutions map[string]string) (*Definition, error) {
	text, err := substitute(definition, substitutions)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(text)
	if err != nil {
		return nil, &LoadError{Problems: []Problem{{Message: "definition is not valid JSON: " + err.Error(), Code: ProblemInvalidJSON}}}
	}
	l := &loader{}
	o, ok := l.asObj("", v)
	if !ok {
		return nil, l.err()
	}
	o.allow("a state machine", "Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage")
	l.jsonata = l.queryLanguage(o)
	if o.has("Version") && o.str("Version", false) != "1.0" {
		l.addf(o.at("Version"), "only version \"1.0\" is supported")
	}
	d := &Definition{Comment: o.str("Comment", false), text: text}
	d.TimeoutSeconds, _ = o.integer("TimeoutSeconds", 1)
	d.root = l.graph(o)
	if err := l.err(); err != nil {
		return nil, err
	}
	return d, nil
}

// substitute applies DefinitionSubstitutions to the definition text.
func substitute(text []byte, subs map[string]string) ([]byte, error) {
	if subs == nil {
		return text, nil
	}
	var missing []Problem
	out := substitution.ReplaceAllFunc(text, func(m []byte) []byte {
		name := string(m[2 : len(m)-1])
		v, ok := subs[name]
		if !ok {
			missing = append(missing, Problem{Message: fmt.Sprintf("no value for definition substitution ${%s}", name), Code: ProblemSchema})
			return m
		}
		return []byte(v)
	})
	if missing != nil {
		return nil, &LoadError{Problems: missing}
	}
	return out, nil
}

// queryLanguage reads an object's QueryLanguage and reports whether it
// is JSONata; absent, it is JSONPath.
func (l *loader) queryLanguage(o obj) bool {
	if !o.has("QueryLanguage") {
		return false
	}
	switch q := o.str("QueryLanguage", false); q {
	case "JSONPath":
		return false
	case "JSONata":
		return true
	default:
		l.addf(o.at("QueryLanguage"), "unknown QueryLanguage %q: use JSONPath or JSONata", q)
		return false
	}
}

// stateLanguage reports whether a state uses JSONata: its own
// QueryLanguage, or else the machine's. Nested states (Map item
// processors, Parallel branches) fall back to the machine's too, not to
// the state around them. A JSONata machine cannot turn a state back to
// JSONPath.
func (l *loader) stateLanguage(o obj) bool {
	if !o.has("QueryLanguage") {
		return l.jsonata
	}
	jsonata := l.queryLanguage(o)
	if l.jsonata && !jsonata && o.str("QueryLanguage", false) == "JSONPath" {
		l.addf(o.loc, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")
		return true
	}
	return jsonata
}

// graph loads StartAt and States and checks names, transitions and
// reachability.
func (l *loader) graph(o obj) *graph {
	g := &graph{startAt: o.str("StartAt", true), states: map[string]*state{}}
	sv, ok := o.m["States"]
	if !ok {
		l.addf(o.loc, "missing required field \"States\"")
		return g
	}
	so, ok := l.asObj(o.at("States"), sv)
	if !ok {
		return g
	}
	if len(so.m) == 0 {
		l.addf(so.loc, "must contain at least one state")
	}
	for name, raw := range so.m {
		if len(name) > 80 {
			l.addf(so.at(name), "state name must be at most 80 characters")
		}
		if st := l.state(so.at(name), name, raw); st != nil {
			g.states[name] = st
		}
	}
	l.checkGraph(o, so, g)
	return g
}

// checkGraph verifies StartAt, every transition target, and that every
// state is reachable from StartAt.
func (l *loader) checkGraph(o, so obj, g *graph) {
	if o.has("StartAt") && !so.has(g.startAt) {
		l.addCodef(ProblemTransition, o.at("StartAt"), "StartAt %q is not a state", g.startAt)
	}
	for name, st := range g.states {
		for _, t := range st.transitions() {
			if _, ok := so.m[t.target]; !ok {
				l.addCodef(ProblemTransition, pointer(so.at(name), t.field), "%q is not a state in this scope", t.target)
			}
		}
	}
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		st := g.states[n]
		if seen[n] || st == nil {
			return
		}
		seen[n] = true
		for _, t := range st.transitions() {
			visit(t.target)
		}
	}
	visit(g.startAt)
	if g.states[g.startAt] == nil {
		return
	}
	for name := range g.states {
		if !seen[name] {
			l.addCodef(ProblemTransition, so.at(name), "state %q is not reachable from StartAt", name)
		}
	}
}

// transition is an edge of the graph and the field that declares it.
type transition struct {
	field  string
	target string
}

// transitions lists the states st can move to.
func (st *state) transitions() []transition {
	var ts []transition
	if st.next != "" {
		ts = append(ts, transition{"Next", st.next})
	}
	for i, c := range st.catch {
		ts = append(ts, transition{fmt.Sprintf("Catch/%d/Next", i), c.next})
	}
	if ch, ok := st.kind.(*choiceState); ok {
		for i, b := range ch.choices {
			ts = append(ts, transition{fmt.Sprintf("Choices/%d/Next", i), b.next})
		}
		if ch.def != "" {
			ts = append(ts, transition{"Default", ch.def})
		}
	}
	return ts
}

// isLambdaARN reports whether resource names a Lambda function directly.
func isLambdaARN(resource string) bool {
	return strings.HasPrefix(resource, "arn:aws:lambda:") && strings.Contains(resource, ":function:")
}
