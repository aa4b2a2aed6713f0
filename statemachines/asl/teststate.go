package asl

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// InspectionLevel is how much TestState reports (types.InspectionLevel).
type InspectionLevel = types.InspectionLevel

// TestStateResult is the outcome of TestState, in the shape of the Step
// Functions TestState response.
type TestStateResult struct {
	Status     types.TestExecutionStatus // SUCCEEDED or FAILED
	Output     *string                   // JSON text, when SUCCEEDED
	Error      *string
	Cause      *string
	NextState  string                // the state that would run next, "" at the end
	Inspection *types.InspectionData // nil at level INFO
}

// testStateName is the name the state runs under.
const testStateName = "TestState"

// TestState runs a single state definition (an object with "Type") on
// input, as the Step Functions TestState API does. At DEBUG and TRACE it
// reports the data after each processing step.
func TestState(ctx context.Context, stateDef, input []byte, level InspectionLevel, opts ...Option) (*TestStateResult, error) {
	def, err := parseState(stateDef)
	if err != nil {
		return nil, err
	}
	m, err := New(def, opts...)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	r, err := m.newRun(testStateName, input)
	if err != nil {
		return nil, err
	}
	r.insp = map[string]any{}
	fr := &frame{run: r}
	out, next, runErr := fr.runState(ctx, def.root.states[testStateName], r.input)
	res := &TestStateResult{Status: types.TestExecutionStatusSucceeded, NextState: next}
	if runErr != nil {
		res.Status = types.TestExecutionStatusFailed
		res.Error, res.Cause = errFields(asError(runErr))
	} else {
		res.Output = aws.String(jsonText(out))
	}
	if level == types.InspectionLevelDebug || level == types.InspectionLevelTrace {
		res.Inspection = inspectionData(r.insp)
	}
	return res, nil
}

// parseState loads one state as a single-state definition.
func parseState(stateDef []byte) (*Definition, error) {
	v, err := decodeJSON(stateDef)
	if err != nil {
		return nil, &LoadError{Problems: []Problem{{Message: "state is not valid JSON: " + err.Error()}}}
	}
	l := &loader{}
	st := l.state("", testStateName, v)
	if err := l.err(); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, &LoadError{Problems: []Problem{{Message: "not a state"}}}
	}
	return &Definition{root: &graph{startAt: testStateName, states: map[string]*state{testStateName: st}}, text: stateDef}, nil
}

// inspectionData converts what the run noted to AWS's shape.
func inspectionData(n map[string]any) *types.InspectionData {
	text := func(k string) *string {
		v, ok := n[k]
		if !ok {
			return nil
		}
		return aws.String(jsonText(v))
	}
	return &types.InspectionData{
		Input:               text("input"),
		AfterInputPath:      text("afterInputPath"),
		AfterParameters:     text("afterParameters"),
		Result:              text("result"),
		AfterResultSelector: text("afterResultSelector"),
		AfterResultPath:     text("afterResultPath"),
	}
}

// inspect notes a value for TestState; it does nothing in a normal run.
func (sc *stateCtx) inspect(key string, v any) {
	if sc.fr.run.insp != nil {
		sc.fr.run.insp[key] = materialize(v)
	}
}

// String describes a result for debugging.
func (r *TestStateResult) String() string {
	return fmt.Sprintf("%s next=%q", r.Status, r.NextState)
}
