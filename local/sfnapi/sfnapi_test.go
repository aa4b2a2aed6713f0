package sfnapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/stepfold/stepfold/local/executions"
	"github.com/stepfold/stepfold/local/sfnapi"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// definition doubles its input's n, or fails with Boom when n is negative.
const definition = `{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 0, "Next": "Boom"}], "Default": "Double"},
    "Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "Next": "Done"},
    "Done": {"Type": "Succeed"},
    "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "n is negative"}
  }
}`

const machineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:doubler"

// newClient serves a real interpreter through the API and returns a real
// sfn client pointed at it.
func newClient(t *testing.T, opts ...sfnapi.Option) *sfn.Client {
	t.Helper()
	def, err := asl.Parse([]byte(definition), nil)
	if err != nil {
		t.Fatal(err)
	}
	recent, err := executions.New(100)
	if err != nil {
		t.Fatal(err)
	}
	m, err := asl.New(def, asl.WithName("doubler"), asl.WithStore(recent))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	h, err := sfnapi.New([]sfnapi.StateMachine{{Name: "doubler", Runner: m, Definition: []byte(definition),
		RoleARN: "arn:aws:iam::000000000000:role/r", Created: time.Unix(1700000000, 0)}}, recent, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return sfn.New(sfn.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		APIOptions:   []func(*middleware.Stack) error{sfnapi.DisableHostPrefix},
	})
}

func TestStartSyncExecution(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	tests := []struct {
		name, input string
		status      types.SyncExecutionStatus
		output      string
		errName     string
	}{
		{"succeeds", `{"n": 21}`, types.SyncExecutionStatusSucceeded, `{"doubled":42}`, ""},
		{"fails with the Fail state's error", `{"n": -1}`, types.SyncExecutionStatusFailed, "", "Boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(tc.input), Name: aws.String("run-1")})
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != tc.status || aws.ToString(out.Error) != tc.errName || aws.ToString(out.Name) != "run-1" {
				t.Fatalf("status %s error %q name %q, want %s %q run-1", out.Status, aws.ToString(out.Error), aws.ToString(out.Name), tc.status, tc.errName)
			}
			if tc.output != "" && aws.ToString(out.Output) != tc.output {
				t.Errorf("output %s, want %s", aws.ToString(out.Output), tc.output)
			}
			if !strings.HasPrefix(aws.ToString(out.ExecutionArn), "arn:aws:states:us-east-1:000000000000:express:doubler:run-1:") {
				t.Errorf("execution ARN %s", aws.ToString(out.ExecutionArn))
			}
			if out.StartDate == nil || out.StopDate == nil || out.StopDate.Before(*out.StartDate) || time.Since(*out.StartDate) > time.Minute {
				t.Errorf("dates %v %v do not bracket the run", out.StartDate, out.StopDate)
			}
		})
	}
}

func TestDescribeAndHistory(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	run, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(`{"n": 2}`)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"doubled":4}` || aws.ToString(d.StateMachineArn) != machineARN {
		t.Fatalf("describe: %s %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.StateMachineArn))
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: run.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range h.Events {
		got = append(got, string(e.Type))
	}
	want := "ExecutionStarted ChoiceStateEntered ChoiceStateExited PassStateEntered PassStateExited SucceedStateEntered SucceedStateExited ExecutionSucceeded"
	if strings.Join(got, " ") != want {
		t.Fatalf("history\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if e := h.Events[3].StateEnteredEventDetails; e == nil || aws.ToString(e.Name) != "Double" || aws.ToString(e.Input) != `{"n":2}` {
		t.Errorf("PassStateEntered details %+v", e)
	}
	page, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: run.ExecutionArn, MaxResults: 3, ReverseOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 3 || page.Events[0].Type != types.HistoryEventTypeExecutionSucceeded || page.NextToken == nil {
		t.Errorf("reverse page of 3: %d events, first %s, token %v", len(page.Events), page.Events[0].Type, page.NextToken)
	}
}

func TestListings(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	for _, in := range []string{`{"n":1}`, `{"n":-1}`, `{"n":3}`} {
		if _, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(in)}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineARN), MaxResults: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Executions) != 2 || all.NextToken == nil || all.Executions[0].Status != types.ExecutionStatusSucceeded || all.Executions[1].Status != types.ExecutionStatusFailed {
		t.Fatalf("first page (newest first): %+v token %v", all.Executions, all.NextToken)
	}
	rest, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineARN), NextToken: all.NextToken})
	if err != nil || len(rest.Executions) != 1 || rest.NextToken != nil {
		t.Fatalf("second page: %v %+v", err, rest)
	}
	failed, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineARN), StatusFilter: types.ExecutionStatusFailed})
	if err != nil || len(failed.Executions) != 1 {
		t.Fatalf("FAILED filter: %v %d", err, len(failed.Executions))
	}
	sms, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if err != nil || len(sms.StateMachines) != 1 || aws.ToString(sms.StateMachines[0].StateMachineArn) != machineARN || sms.StateMachines[0].Type != types.StateMachineTypeExpress {
		t.Fatalf("ListStateMachines: %v %+v", err, sms)
	}
	dsm, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machineARN)})
	if err != nil || aws.ToString(dsm.Definition) != definition || !dsm.CreationDate.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("DescribeStateMachine: %v %+v", err, dsm)
	}
}

func TestStartExecution(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(`{"n": 5}`)})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == types.ExecutionStatusSucceeded {
			if aws.ToString(d.Output) != `{"doubled":10}` {
				t.Fatalf("output %s", aws.ToString(d.Output))
			}
			return
		}
		if d.Status != types.ExecutionStatusRunning || time.Now().After(deadline) {
			t.Fatalf("status %s", d.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestErrors checks that the SDK sees each failure as its typed error.
func TestErrors(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	missing := "arn:aws:states:us-east-1:000000000000:express:doubler:x:00000000-0000-0000-0000-000000000000"
	tests := []struct {
		name string
		call func() error
		want any
	}{
		{"unknown execution", func() error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(missing)})
			return err
		}, new(*types.ExecutionDoesNotExist)},
		{"malformed ARN", func() error {
			_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("not-an-arn")})
			return err
		}, new(*types.InvalidArn)},
		{"unknown state machine", func() error {
			_, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN + "x")})
			return err
		}, new(*types.StateMachineDoesNotExist)},
		{"input that is not JSON", func() error {
			_, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String("{")})
			return err
		}, new(*types.InvalidExecutionInput)},
		{"bad name", func() error {
			_, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machineARN), Name: aws.String("a b")})
			return err
		}, new(*types.InvalidName)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || !errors.As(err, tc.want) {
				t.Fatalf("error %v, want %T", err, tc.want)
			}
		})
	}
}

// TestWireNames checks member names against the SDK's deserializer for a
// history event with every detail the interpreter records in this machine.
func TestWireNames(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	run, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN), Input: aws.String(`{"n":-5}`)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: run.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	last := h.Events[len(h.Events)-1]
	if last.Type != types.HistoryEventTypeExecutionFailed || last.ExecutionFailedEventDetails == nil ||
		aws.ToString(last.ExecutionFailedEventDetails.Error) != "Boom" || aws.ToString(last.ExecutionFailedEventDetails.Cause) != "n is negative" {
		b, _ := json.Marshal(last)
		t.Fatalf("last event %s", b)
	}
	if last.Id != int64(len(h.Events)) || last.PreviousEventId != last.Id-1 || last.Timestamp == nil {
		t.Errorf("ids %d/%d, timestamp %v", last.Id, last.PreviousEventId, last.Timestamp)
	}
}
