package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// choiceState moves to the Next of the first rule that matches, or to
// Default.
type choiceState struct {
	choices []*rule
	def     string
}

// rule is a Choice rule: a boolean combination (And, Or, Not) or a data
// test comparing Variable with an operand.
type rule struct {
	and, or []*rule
	not     *rule

	variable    *jsonpath.Path
	op          string // comparator without its "Path" suffix
	operand     any    // literal operand; a time.Time for Timestamp*
	operandPath *jsonpath.Path

	// A rule of a JSONata state is its Condition alone.
	condition jvalue

	next string
	// Assign (and in JSONata Output) of a top-level rule replace the
	// state's own when the rule matches.
	assign *assignment
	output *template
}

// operandKind is the JSON type each comparator's literal operand must have.
var operandKind = map[string]string{
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean", "IsString": "boolean",
	"IsBoolean": "boolean", "IsTimestamp": "boolean",
}

// choiceState loads Choices and Default.
func (l *loader) choiceState(o obj) kind {
	c := &choiceState{def: o.str("Default", false)}
	arr, ok := l.array(o, "Choices")
	if !ok || len(arr) == 0 {
		if !o.has("Choices") || ok {
			l.addf(o.loc, "a Choice state needs a non-empty Choices array")
		}
		return c
	}
	for i, raw := range arr {
		loc := pointer(o.at("Choices"), i)
		var r *rule
		if o.jsonata {
			r = l.jsonataRule(loc, raw, i)
		} else {
			r = l.rule(loc, raw, true)
		}
		if r != nil {
			c.choices = append(c.choices, r)
		}
	}
	return c
}

// jsonataRule loads a rule of a JSONata Choice state: a Condition that is
// an expression or a boolean, with Next, and optionally Assign and Output.
func (l *loader) jsonataRule(loc string, raw any, i int) *rule {
	o, ok := l.asObj(loc, raw)
	if !ok {
		return nil
	}
	o.allow("a Choice rule of a JSONata state", "Condition", "Next", "Assign", "Output", "Comment")
	r := &rule{next: o.str("Next", true)}
	field := fmt.Sprintf("Choices[%d]", i)
	v, set := l.jsonataValue(o, "Condition")
	switch _, isBool := v.lit.(bool); {
	case !set:
		l.addf(o.loc, "missing required field \"Condition\"")
	case v.x != nil:
		v.x.field = field + "/Condition"
	case !isBool:
		l.addf(o.at("Condition"), "must be a boolean or a JSONata expression, not %s", jsontype.Name(v.lit))
	}
	r.condition = v
	r.assign = l.assignField(o, true, field+"/Assign")
	if out, ok := o.m["Output"]; ok {
		r.output = l.jsonataTemplate(o.at("Output"), field+"/Output", out)
	}
	return r
}

// rule loads one rule; top-level rules carry Next, nested ones must not.
func (l *loader) rule(loc string, raw any, top bool) *rule {
	o, ok := l.asObj(loc, raw)
	if !ok {
		return nil
	}
	r := &rule{next: o.str("Next", top)}
	if !top && o.has("Next") {
		l.addf(o.at("Next"), "a nested rule must not have Next")
	}
	var ops []string
	for k := range o.m {
		switch {
		case k == "Assign" && top:
		case k == "Next" || k == "Comment" || k == "Variable":
		case k == "And" || k == "Or" || k == "Not":
			ops = append(ops, k)
		default:
			if operandKind[strings.TrimSuffix(k, "Path")] == "" || strings.HasPrefix(k, "Is") && strings.HasSuffix(k, "Path") || k == "StringMatchesPath" {
				l.addf(o.at(k), "unknown field %q in a Choice rule", k)
				continue
			}
			ops = append(ops, k)
		}
	}
	if len(ops) != 1 {
		l.addf(loc, "a Choice rule needs exactly one comparison operator or And/Or/Not, found %d", len(ops))
		return nil
	}
	l.ruleBody(o, r, ops[0])
	if top {
		r.assign = l.assignField(o, false, "")
	}
	return r
}

// ruleBody loads the operator of a rule.
func (l *loader) ruleBody(o obj, r *rule, op string) {
	switch op {
	case "And", "Or":
		arr, ok := l.array(o, op)
		if ok && len(arr) == 0 {
			l.addf(o.at(op), "%s needs at least one rule", op)
		}
		var rules []*rule
		for i, raw := range arr {
			if sub := l.rule(pointer(o.at(op), i), raw, false); sub != nil {
				rules = append(rules, sub)
			}
		}
		if op == "And" {
			r.and = rules
		} else {
			r.or = rules
		}
		if o.has("Variable") {
			l.addf(o.at("Variable"), "%s must not have Variable", op)
		}
	case "Not":
		r.not = l.rule(o.at("Not"), o.m["Not"], false)
		if o.has("Variable") {
			l.addf(o.at("Variable"), "Not must not have Variable")
		}
	default:
		l.dataTest(o, r, op)
	}
}

// dataTest loads Variable and the comparator's operand.
func (l *loader) dataTest(o obj, r *rule, op string) {
	if !o.has("Variable") {
		l.addf(o.loc, "a comparison needs Variable")
	} else if s := o.str("Variable", false); s != "" {
		r.variable = l.compilePath(o.at("Variable"), s, false)
	}
	r.op = strings.TrimSuffix(op, "Path")
	if r.op != op {
		if s := o.str(op, true); s != "" {
			r.operandPath = l.compilePath(o.at(op), s, false)
		}
		return
	}
	v := o.m[op]
	want := operandKind[op]
	if want == "timestamp" {
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			l.addf(o.at(op), "must be an ISO-8601 timestamp string")
		}
		r.operand = t
		return
	}
	if got := jsontype.Name(v); got != want {
		l.addf(o.at(op), "must be a %s, not %s", want, got)
	}
	r.operand = v
}

// parseTimestamp parses an RFC 3339 timestamp with a time zone.
func parseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func (c *choiceState) execute(_ context.Context, sc *stateCtx, in any) (any, string, error) {
	if sc.st.jsonata {
		return c.executeJSONata(sc, in)
	}
	eff, err := sc.selectPath(sc.st.inputPath, in)
	if err != nil {
		return nil, "", err
	}
	sc.inspect("afterInputPath", eff)
	next, assign := c.def, sc.st.assign
	for _, r := range c.choices {
		ok, err := r.eval(sc, eff)
		if err != nil {
			return nil, "", err
		}
		if ok {
			next, assign = r.next, r.assign
			break
		}
	}
	if next == "" {
		return nil, "", newError(ErrorNoChoiceMatched, "No Matches!")
	}
	if err := sc.assign(assign, eff); err != nil {
		return nil, "", err
	}
	out, err := sc.selectPath(sc.st.outputPath, eff)
	return out, next, err
}

// executeJSONata picks the first rule whose Condition is true, and takes
// its Assign and Output, or the state's own for Default.
func (c *choiceState) executeJSONata(sc *stateCtx, in any) (any, string, error) {
	d := statesData{input: in}
	next, assign, output := c.def, sc.st.assign, sc.st.output
	for _, r := range c.choices {
		v, err := r.condition.eval(sc, d)
		if err != nil {
			return nil, "", err
		}
		ok, isBool := v.(bool)
		if !isBool {
			return nil, "", sc.typeErrorf(r.condition, r.condition.x.field, "boolean", v)
		}
		if ok {
			next, assign, output = r.next, r.assign, r.output
			break
		}
	}
	if next == "" {
		return nil, "", newError(ErrorNoChoiceMatched, "No Matches!")
	}
	out, err := sc.jsonataOutput(assign, output, in, d)
	return out, next, err
}

// eval reports whether the rule matches in.
func (r *rule) eval(sc *stateCtx, in any) (bool, error) {
	switch {
	case r.and != nil:
		for _, s := range r.and {
			if ok, err := s.eval(sc, in); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.or != nil:
		for _, s := range r.or {
			if ok, err := s.eval(sc, in); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.not != nil:
		ok, err := r.not.eval(sc, in)
		return !ok && err == nil, err
	}
	return r.test(sc, in)
}

// test evaluates a data-test rule.
func (r *rule) test(sc *stateCtx, in any) (bool, error) {
	v, err := sc.get(r.variable, in)
	if r.op == "IsPresent" {
		return (err == nil) == (r.operand == true), nil
	}
	if err != nil {
		return false, sc.runtimef("Invalid path '%s': The choice state's condition path references an invalid value.", r.variable.String())
	}
	operand := r.operand
	if r.operandPath != nil {
		if operand, err = sc.get(r.operandPath, in); err != nil {
			return false, sc.runtimef("Invalid path '%s': The choice state's condition path references an invalid value.", r.operandPath.String())
		}
	}
	return compare(r.op, v, operand), nil
}

// compare applies a comparator to a value and its operand; values of the
// wrong type never match.
func compare(op string, v, operand any) bool {
	switch op {
	case "IsNull":
		return (v == nil) == (operand == true)
	case "IsNumeric":
		_, ok := v.(json.Number)
		return ok == (operand == true)
	case "IsString":
		_, ok := v.(string)
		return ok == (operand == true)
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == (operand == true)
	case "IsTimestamp":
		s, _ := v.(string)
		_, ok := parseTimestamp(s)
		return ok == (operand == true)
	case "BooleanEquals":
		b, ok := v.(bool)
		o, ok2 := operand.(bool)
		return ok && ok2 && b == o
	case "StringMatches":
		s, ok := v.(string)
		p, ok2 := operand.(string)
		return ok && ok2 && globMatch(p, s)
	}
	return compareOrdered(op, v, operand)
}

// compareOrdered handles the String*, Numeric* and Timestamp* comparators.
func compareOrdered(op string, v, operand any) bool {
	var c int
	var ok bool
	switch {
	case strings.HasPrefix(op, "String"):
		c, ok = compareStrings(v, operand)
	case strings.HasPrefix(op, "Numeric"):
		c, ok = compareNumbers(v, operand)
	default:
		c, ok = compareTimes(v, operand)
	}
	if !ok {
		return false
	}
	switch {
	case strings.HasSuffix(op, "GreaterThanEquals"):
		return c >= 0
	case strings.HasSuffix(op, "LessThanEquals"):
		return c <= 0
	case strings.HasSuffix(op, "GreaterThan"):
		return c > 0
	case strings.HasSuffix(op, "LessThan"):
		return c < 0
	}
	return c == 0
}

func compareStrings(a, b any) (int, bool) {
	x, ok := a.(string)
	y, ok2 := b.(string)
	return strings.Compare(x, y), ok && ok2
}

func compareNumbers(a, b any) (int, bool) {
	x, ok := a.(json.Number)
	y, ok2 := b.(json.Number)
	if !ok || !ok2 {
		return 0, false
	}
	fx, _, err := big.ParseFloat(string(x), 10, 200, big.ToNearestEven)
	fy, _, err2 := big.ParseFloat(string(y), 10, 200, big.ToNearestEven)
	if err != nil || err2 != nil {
		return 0, false
	}
	return fx.Cmp(fy), true
}

func compareTimes(a, b any) (int, bool) {
	s, ok := a.(string)
	x, ok1 := parseTimestamp(s)
	y, ok2 := b.(time.Time)
	if !ok2 {
		s2, _ := b.(string)
		y, ok2 = parseTimestamp(s2)
	}
	return x.Compare(y), ok && ok1 && ok2
}

// globMatch matches s against a StringMatches pattern: "*" matches any run
// of characters, and `\*` and `\\` stand for "*" and `\`. It backtracks
// only to the last star, so it runs in O(len(pattern)*len(s)).
func globMatch(pattern, s string) bool {
	var toks []byte  // literal bytes, or 0 with star set
	var stars []bool // whether toks[i] is a star
	for i := 0; i < len(pattern); i++ {
		switch {
		case pattern[i] == '\\' && i+1 < len(pattern):
			i++
			toks, stars = append(toks, pattern[i]), append(stars, false)
		case pattern[i] == '*':
			toks, stars = append(toks, 0), append(stars, true)
		default:
			toks, stars = append(toks, pattern[i]), append(stars, false)
		}
	}
	p, j, starP, starJ := 0, 0, -1, 0
	for j < len(s) {
		switch {
		case p < len(toks) && stars[p]:
			starP, starJ = p, j
			p++
		case p < len(toks) && toks[p] == s[j]:
			p++
			j++
		case starP >= 0:
			starJ++
			p, j = starP+1, starJ
		default:
			return false
		}
	}
	for p < len(toks) && stars[p] {
		p++
	}
	return p == len(toks)
}
