package sfnapi

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/statemachines/asl"
)

// Option configures a Handler.
type Option func(*Handler)

// WithTestState sets the options TestState runs a state with, such as the
// registry that runs its Task states; without it a Task state fails to
// load for want of a handler.
func WithTestState(opts ...asl.Option) Option {
	return func(h *Handler) { h.testStateOpts = opts }
}

// maxDiagnostics is how many diagnostics ValidateStateMachineDefinition
// returns unless the request asks for fewer.
const maxDiagnostics = 100

// validateDefinition answers ValidateStateMachineDefinition with what the
// interpreter's loader finds: every problem as an ERROR diagnostic, with
// its code and location.
func (h *Handler) validateDefinition(_ context.Context, body []byte) (any, error) {
	var in sfn.ValidateStateMachineDefinitionInput
	if err := decodeDefinition(body, &in, &in.Definition); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > maxDiagnostics {
		return nil, &types.ValidationException{Message: aws.String("maxResults must be between 0 and 100")}
	}
	out := &sfn.ValidateStateMachineDefinitionOutput{
		Result:      types.ValidateStateMachineDefinitionResultCodeOk,
		Diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{},
		Truncated:   aws.Bool(false),
	}
	_, err := asl.Parse([]byte(*in.Definition), nil)
	var le *asl.LoadError
	if !errors.As(err, &le) {
		return out, err
	}
	out.Result = types.ValidateStateMachineDefinitionResultCodeFail
	limit := int(in.MaxResults)
	if limit == 0 {
		limit = maxDiagnostics
	}
	for _, p := range le.Problems {
		if len(out.Diagnostics) == limit {
			out.Truncated = aws.Bool(true)
			break
		}
		out.Diagnostics = append(out.Diagnostics, diagnostic(p))
	}
	return out, nil
}

// decodeDefinition reads a request that carries a definition, which must
// not be empty.
func decodeDefinition(body []byte, in any, definition **string) error {
	if err := decode(body, in); err != nil {
		return err
	}
	if strings.TrimSpace(aws.ToString(*definition)) == "" {
		return &types.ValidationException{Message: aws.String("definition is required")}
	}
	return nil
}

// diagnostic is one problem in AWS's shape.
func diagnostic(p asl.Problem) types.ValidateStateMachineDefinitionDiagnostic {
	d := types.ValidateStateMachineDefinitionDiagnostic{
		Code:     aws.String(p.Code),
		Message:  aws.String(p.Message),
		Severity: types.ValidateStateMachineDefinitionSeverityError,
	}
	if p.Location != "" {
		d.Location = aws.String(p.Location)
	}
	return d
}

// testState runs one state, as TestState does: a state definition alone,
// or the state StateName of a whole state machine, with the workflow
// variables Variables.
func (h *Handler) testState(ctx context.Context, body []byte) (any, error) {
	var in sfn.TestStateInput
	if err := decodeDefinition(body, &in, &in.Definition); err != nil {
		return nil, err
	}
	if in.Mock != nil || in.Context != nil || in.StateConfiguration != nil {
		return nil, &types.ValidationException{Message: aws.String("mock, context and stateConfiguration are not supported here")}
	}
	input, err := checkStart(nil, in.Input)
	if err != nil {
		return nil, err
	}
	res, err := asl.TestState(context.WithoutCancel(ctx), asl.TestStateInput{
		Definition:      []byte(*in.Definition),
		StateName:       aws.ToString(in.StateName),
		Input:           input,
		Variables:       []byte(aws.ToString(in.Variables)),
		InspectionLevel: in.InspectionLevel,
	}, h.testStateOpts...)
	var le *asl.LoadError
	if errors.As(err, &le) {
		return nil, &types.InvalidDefinition{Message: aws.String("Invalid State Machine Definition: '" + le.Error() + "'")}
	}
	if err != nil {
		return nil, &types.ValidationException{Message: aws.String(err.Error())}
	}
	out := &sfn.TestStateOutput{Status: res.Status, Output: res.Output, Error: res.Error, Cause: res.Cause, InspectionData: res.Inspection}
	if res.NextState != "" {
		out.NextState = aws.String(res.NextState)
	}
	return out, nil
}
