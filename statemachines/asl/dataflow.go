package asl

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/intrinsic"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

// stateCtx is one visit to a state: what the data flow needs to evaluate
// paths ($$ included) and to name runtime errors.
type stateCtx struct {
	fr         *frame
	st         *state
	enteredID  int64
	entered    time.Time
	retryCount int32    // int32 (retries are bounded by MaxHistoryEvents) so outChecked shares its word
	outChecked bool     // the output has passed checkOutput
	item       *mapItem // $$.Map.Item while a Map state selects an item
	// assigned holds what the state's (or its catcher's or Choice rule's)
	// Assign evaluated, set as variables when the state ends.
	assigned map[string]any
}

// mapItem is $$.Map.Item.
type mapItem struct {
	index int
	value any
}

// timeFormat is how Step Functions writes times in the context object.
const timeFormat = "2006-01-02T15:04:05.000Z"

// contextObject builds the context object ($$) for this visit.
func (sc *stateCtx) contextObject() any {
	r := sc.fr.run
	exec := map[string]any{
		"Id":        r.arn,
		"Input":     r.input,
		"Name":      r.name,
		"RoleArn":   r.m.roleARN(),
		"StartTime": r.start.UTC().Format(timeFormat),
	}
	if !r.m.express {
		exec["RedriveCount"] = json.Number("0")
	}
	stateName := sc.st.name
	if r.insp != nil {
		// TestState's context object, as AWS's TestState gives it: no
		// role, and a placeholder for the state's name.
		exec["RoleArn"], stateName = nil, "StateName"
	}
	stateObj := map[string]any{"Name": stateName, "EnteredTime": sc.entered.UTC().Format(timeFormat)}
	if sc.st.typ == "Task" {
		stateObj["RetryCount"] = json.Number(fmt.Sprint(sc.retryCount))
	}
	c := map[string]any{
		"Execution":    exec,
		"StateMachine": map[string]any{"Id": r.m.arn(), "Name": r.m.cfg.name},
		"State":        stateObj,
	}
	if sc.item != nil {
		c["Map"] = map[string]any{"Item": map[string]any{"Index": json.Number(fmt.Sprint(sc.item.index)), "Value": sc.item.value}}
	}
	return c
}

// get evaluates p against in, or against $$ for a context path, for code
// that inspects the value: every raw JSON text in it is decoded.
func (sc *stateCtx) get(p *jsonpath.Path, in any) (any, error) {
	v, err := sc.lookup(p, in)
	return jsonvalue.Expand(v), err
}

// lookup is get for the data flow (InputPath, OutputPath and the paths of
// a template), which moves the value on without looking into it: a raw
// JSON text of a Lambda result stays raw, so that it is encoded again by
// copying its bytes. See the jsonvalue package for where raw texts go.
func (sc *stateCtx) lookup(p *jsonpath.Path, in any) (any, error) {
	switch {
	case p.IsContext():
		return p.Get(in, sc.contextObject())
	case p.Variable() != "":
		root, err := sc.variableRoot(p)
		if err != nil {
			return nil, err
		}
		return p.Get(root, nil)
	}
	return p.Get(in, nil)
}

// intrinsicEnv supplies randomness and variables to intrinsic functions.
func (sc *stateCtx) intrinsicEnv() intrinsic.Env {
	m := sc.fr.run.m
	return intrinsic.Env{RandInt: m.rand.int64Range, UUID: m.cfg.uuid, Variable: sc.variable}
}

// runtimef returns a States.Runtime error worded as AWS words it.
func (sc *stateCtx) runtimef(format string, args ...any) *Error {
	return newError(ErrorRuntime, sc.causePrefix()+fmt.Sprintf(format, args...))
}

// selectPath applies InputPath or OutputPath: absent keeps the value, null
// gives {}, a path selects from it.
func (sc *stateCtx) selectPath(op optPath, v any) (any, error) {
	switch {
	case !op.set:
		return v, nil
	case op.null:
		return map[string]any{}, nil
	}
	out, err := sc.lookup(op.p, v)
	if err != nil {
		return nil, sc.runtimef("Invalid path '%s' : %v", op.p.String(), err)
	}
	return out, nil
}

// effectiveInput applies InputPath and Parameters, or in a JSONata state
// Arguments.
func (sc *stateCtx) effectiveInput(in any) (any, error) {
	if sc.st.jsonata {
		return sc.arguments(in)
	}
	v, err := sc.selectPath(sc.st.inputPath, in)
	if err != nil {
		return nil, err
	}
	sc.inspect("afterInputPath", v)
	if sc.st.parameters == nil {
		return v, nil
	}
	return sc.st.parameters.eval(v, sc)
}

// arguments evaluates a JSONata state's Arguments on its input; without
// Arguments the input is passed on as it is.
func (sc *stateCtx) arguments(in any) (any, error) {
	a := sc.st.arguments
	if a == nil {
		return in, nil
	}
	v, err := a.eval(sc.statesObject(statesData{input: in}, a.context), sc)
	if err != nil {
		return nil, err
	}
	sc.inspect("afterArguments", v)
	return v, nil
}

// applyResult applies ResultSelector, Assign, ResultPath and OutputPath
// to a state's result (Assign and Output in a JSONata state), and checks
// the size of the output it gives, so that the state's own Retry and
// Catch see a States.DataLimitExceeded.
func (sc *stateCtx) applyResult(in, result any) (any, error) {
	if sc.st.jsonata {
		sc.inspect("result", result)
		out, err := sc.jsonataOutput(sc.st.assign, sc.st.output, materialize(result), statesData{input: in, result: result, hasResult: true})
		if err != nil {
			return nil, err
		}
		if err := sc.checkOutput(out); err != nil {
			return nil, err
		}
		return out, nil
	}
	result, err := sc.selectResult(result)
	if err != nil {
		return nil, err
	}
	sc.inspect("afterResultSelector", result)
	if err := sc.assign(sc.st.assign, result); err != nil {
		return nil, err
	}
	out, err := sc.applyResultPath(sc.st.resultPath, in, result)
	if err != nil {
		return nil, err
	}
	sc.inspect("afterResultPath", out)
	if out, err = sc.selectPath(sc.st.outputPath, out); err != nil {
		return nil, err
	}
	if err := sc.checkOutput(out); err != nil {
		return nil, err
	}
	return out, nil
}

// selectResult applies ResultSelector, if any. A Lambda result arrives
// without its envelope: a selector that reads only Payload runs on the
// payload (and again on the envelope if it fails, for the error's text),
// a result that ResultPath discards stays unbuilt, and anything else gets
// the whole envelope.
func (sc *stateCtx) selectResult(result any) (any, error) {
	sel := sc.st.resultSelector
	if l, ok := result.(*lambdaResult); ok {
		switch {
		case sel == nil && sc.st.resultPath.null && sc.st.assign == nil && sc.fr.run.insp == nil:
			return nil, nil
		case sel != nil && sel.payloadOnly:
			if v, err := sel.eval(l.payloadOnly(), sc); err == nil {
				return v, nil
			}
		}
		result = l.envelope()
	}
	if sel == nil {
		return result, nil
	}
	return sel.eval(result, sc)
}

// applyResultPath places result into the raw input as rp says.
func (sc *stateCtx) applyResultPath(rp optPath, in, result any) (any, error) {
	switch {
	case !rp.set:
		return result, nil
	case rp.null:
		return in, nil
	}
	out, err := rp.p.Set(in, result)
	if err != nil {
		return nil, newError(ErrorResultPathMatchFailure, fmt.Sprintf("Unable to apply ResultPath '%s' to input '%s': %v", rp.p.String(), jsonText(in), err))
	}
	return out, nil
}
