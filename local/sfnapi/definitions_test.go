package sfnapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/local/sfnapi"
	"github.com/stepfold/stepfold/statemachines/asl"
)

func TestValidateStateMachineDefinition(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	twoProblems := `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"X"},"B":{"Type":"Pass","End":true}}}`
	tests := []struct {
		name, definition string
		maxResults       int32
		result           types.ValidateStateMachineDefinitionResultCode
		diagnostics      []types.ValidateStateMachineDefinitionDiagnostic // Severity is always ERROR
		truncated        bool
	}{
		{name: "a JSONPath machine", definition: definition, result: types.ValidateStateMachineDefinitionResultCodeOk},
		{name: "a JSONata machine with variables", result: types.ValidateStateMachineDefinitionResultCodeOk,
			definition: `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":"{% $states.input %}"},"Output":"{% $x %}","End":true}}}`},
		{name: "a JSONPath field in a JSONata state", result: types.ValidateStateMachineDefinitionResultCodeFail,
			definition: `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","End":true}}}`,
			diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{{Code: aws.String("SCHEMA_VALIDATION_FAILED"), Location: aws.String("/States/A"),
				Message: aws.String("The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage")}}},
		{name: "not JSON", definition: `{"StartAt":`, result: types.ValidateStateMachineDefinitionResultCodeFail,
			diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{{Code: aws.String("INVALID_JSON_DESCRIPTION"),
				Message: aws.String("definition is not valid JSON: jsonvalue: unexpected end of input looking for beginning of value at offset 11")}}},
		{name: "every problem", definition: twoProblems, result: types.ValidateStateMachineDefinitionResultCodeFail,
			diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{
				{Code: aws.String("MISSING_TRANSITION_TARGET"), Location: aws.String("/States/A/Next"), Message: aws.String(`"X" is not a state in this scope`)},
				{Code: aws.String("MISSING_TRANSITION_TARGET"), Location: aws.String("/States/B"), Message: aws.String(`state "B" is not reachable from StartAt`)},
			}},
		{name: "cut to maxResults", definition: twoProblems, maxResults: 1, result: types.ValidateStateMachineDefinitionResultCodeFail, truncated: true,
			diagnostics: []types.ValidateStateMachineDefinitionDiagnostic{
				{Code: aws.String("MISSING_TRANSITION_TARGET"), Location: aws.String("/States/A/Next"), Message: aws.String(`"X" is not a state in this scope`)},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(tc.definition), MaxResults: tc.maxResults})
			if err != nil {
				t.Fatal(err)
			}
			if out.Result != tc.result || aws.ToBool(out.Truncated) != tc.truncated {
				t.Errorf("result %s, truncated %v; want %s, %v", out.Result, aws.ToBool(out.Truncated), tc.result, tc.truncated)
			}
			for i := range tc.diagnostics {
				tc.diagnostics[i].Severity = types.ValidateStateMachineDefinitionSeverityError
			}
			got, _ := json.Marshal(out.Diagnostics)
			want, _ := json.Marshal(tc.diagnostics)
			if tc.diagnostics == nil {
				want = []byte("[]")
			}
			if string(got) != string(want) {
				t.Errorf("diagnostics\n %s\nwant\n %s", got, want)
			}
		})
	}
}

func TestTestState(t *testing.T) {
	const fn = "arn:aws:lambda:us-east-1:000000000000:function:echo"
	reg := asl.NewRegistry()
	reg.Functions(map[string]asl.Invoker{fn: echo{}})
	c := newClient(t, sfnapi.WithTestState(asl.WithResources(reg)))
	ctx := context.Background()
	machine := `{"StartAt":"Init","States":{
	  "Init":{"Type":"Pass","Assign":{"greeting.$":"$.g"},"Next":"Greet"},
	  "Greet":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"said":"{% $greeting & ', ' & $states.input.name %}"},"Output":{"text":"{% $greeting %}","name":"{% $states.input.name %}"},"End":true}}}`
	tests := []struct {
		name                 string
		in                   sfn.TestStateInput
		status               types.TestExecutionStatus
		output, errName      string
		variables, nextState string
	}{
		{name: "a state of a machine, with variables",
			in:     sfn.TestStateInput{Definition: aws.String(machine), StateName: aws.String("Greet"), Input: aws.String(`{"name":"Ada"}`), Variables: aws.String(`{"greeting":"Hello"}`), InspectionLevel: types.InspectionLevelDebug},
			status: types.TestExecutionStatusSucceeded, output: `{"text":"Hello","name":"Ada"}`, variables: `{"greeting":"Hello","said":"Hello, Ada"}`},
		{name: "a Task state through the registry",
			in:     sfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"` + fn + `","Parameters":{"v.$":"$.v"},"Next":"After"}`), Input: aws.String(`{"v":3}`)},
			status: types.TestExecutionStatusSucceeded, output: `{"v":3}`, nextState: "After"},
		{name: "a Fail state",
			in:     sfn.TestStateInput{Definition: aws.String(`{"Type":"Fail","Error":"Nope","Cause":"no"}`)},
			status: types.TestExecutionStatusFailed, errName: "Nope"},
		{name: "an undefined variable",
			in:     sfn.TestStateInput{Definition: aws.String(machine), StateName: aws.String("Greet"), Input: aws.String(`{"name":"Ada"}`)},
			status: types.TestExecutionStatusFailed, errName: "States.QueryEvaluationError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.TestState(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != tc.status || aws.ToString(out.Error) != tc.errName || aws.ToString(out.NextState) != tc.nextState {
				t.Fatalf("status %s, error %q (%s), next %q; want %s, %q, %q", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause), aws.ToString(out.NextState), tc.status, tc.errName, tc.nextState)
			}
			if tc.output != "" {
				jsontest.EqualText(t, []byte(aws.ToString(out.Output)), []byte(tc.output))
			}
			if tc.variables != "" {
				if out.InspectionData == nil || out.InspectionData.Variables == nil {
					t.Fatal("no variables in the inspection data")
				}
				jsontest.EqualText(t, []byte(*out.InspectionData.Variables), []byte(tc.variables))
			}
		})
	}
}

func TestTestStateErrors(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	tests := []struct {
		name string
		in   sfn.TestStateInput
		want any
	}{
		{"an invalid state", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Output":{},"End":true}`)}, new(*types.InvalidDefinition)},
		{"no such state", sfn.TestStateInput{Definition: aws.String(definition), StateName: aws.String("Nope")}, new(*types.InvalidDefinition)},
		{"variables that are not an object", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Variables: aws.String(`[1]`)}, new(*types.ValidationException)},
		{"input that is not JSON", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String(`{`)}, new(*types.InvalidExecutionInput)},
		{"a Task without a handler", sfn.TestStateInput{Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`)}, new(*types.ValidationException)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.TestState(ctx, &tc.in)
			if err == nil || !errors.As(err, tc.want) {
				t.Fatalf("error %v, want %T", err, tc.want)
			}
		})
	}
}

// echo is a Lambda function that returns its event.
type echo struct{}

func (echo) Invoke(_ context.Context, payload []byte) ([]byte, error) { return payload, nil }
