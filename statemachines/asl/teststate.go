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

// testStateName is the name a state given alone runs under.
const testStateName = "TestState"

// TestStateInput is a TestState request, as the Step Functions TestState
// API takes it.
type TestStateInput struct {
	// Definition is one state (an object with "Type"), or a whole state
	// machine when StateName is set.
	Definition []byte
	// StateName names the state of Definition to test.
	StateName string
	// Input is the state's input, JSON text; empty is {}.
	Input []byte
	// Variables are the workflow variables the state starts with: a JSON
	// object, or empty for none.
	Variables []byte
	// InspectionLevel is INFO (the default), DEBUG or TRACE.
	InspectionLevel InspectionLevel
}

// TestState runs a single state on its input, as the Step Functions
// TestState API does. At DEBUG and TRACE it reports the data after each
// processing step, and the variables after the state. A definition AWS
// would reject yields a *LoadError.
func TestState(ctx context.Context, in TestStateInput, opts ...Option) (*TestStateResult, error) {
	def, st, err := parseTestState(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	vars, err := decodeVariables(in.Variables)
	if err != nil {
		return nil, err
	}
	m, err := New(def, opts...)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	r, err := m.newRun(testStateName, in.Input)
	if err != nil {
		return nil, err
	}
	r.insp = map[string]any{}
	fr := &frame{run: r, vars: &r.vars}
	fr.vars.seed(vars)
	out, next, runErr := fr.runState(ctx, st, r.input)
	res := &TestStateResult{Status: types.TestExecutionStatusSucceeded, NextState: next}
	if runErr != nil {
		res.Status = types.TestExecutionStatusFailed
		res.Error, res.Cause = errFields(asError(runErr))
	} else {
		res.Output = aws.String(jsonText(out))
	}
	if in.InspectionLevel == types.InspectionLevelDebug || in.InspectionLevel == types.InspectionLevelTrace {
		if all := fr.vars.all(); len(all) > 0 {
			r.insp["variables"] = all
		}
		res.Inspection = inspectionData(r.insp)
	}
	return res, nil
}

// parseTestState loads the state to test: a state given alone, or the
// state named name of a state machine, as a single-state definition.
func parseTestState(text []byte, name string) (*Definition, *state, error) {
	if name != "" {
		return stateOf(text, name)
	}
	v, err := decodeJSON(text)
	if err != nil {
		return nil, nil, &LoadError{Problems: []Problem{{Message: "state is not valid JSON: " + err.Error(), Code: ProblemInvalidJSON}}}
	}
	l := &loader{}
	st := l.state("", testStateName, v)
	if err := l.err(); err != nil {
		return nil, nil, err
	}
	if st == nil {
		return nil, nil, &LoadError{Problems: []Problem{{Message: "not a state", Code: ProblemSchema}}}
	}
	return &Definition{root: &graph{startAt: testStateName, states: map[string]*state{testStateName: st}}, text: text}, st, nil
}

// stateOf loads a state machine and picks its state named name.
func stateOf(text []byte, name string) (*Definition, *state, error) {
	full, err := Parse(text, nil)
	if err != nil {
		return nil, nil, err
	}
	var st *state
	full.root.walk(func(s *state) {
		if s.name == name {
			st = s
		}
	})
	if st == nil {
		return nil, nil, &LoadError{Problems: []Problem{{Location: "/States", Message: fmt.Sprintf("the state machine has no state named %q", name), Code: ProblemSchema}}}
	}
	return &Definition{root: &graph{startAt: name, states: map[string]*state{name: st}}, text: text}, st, nil
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
		AfterArguments:      text("afterArguments"),
		AfterInputPath:      text("afterInputPath"),
		AfterParameters:     text("afterParameters"),
		Result:              text("result"),
		AfterResultSelector: text("afterResultSelector"),
		AfterResultPath:     text("afterResultPath"),
		Variables:           text("variables"),
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
