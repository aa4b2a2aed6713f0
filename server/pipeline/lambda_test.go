package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/server/pipeline"
	"github.com/stepfold/stepfold/statemachines/asl"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

type echoIn struct {
	N int `json:"n"`
}

type echoOut struct {
	Double int `json:"double"`
}

// double fails with InsufficientFunds for negative input.
func double(_ context.Context, in echoIn) (echoOut, error) {
	if in.N < 0 {
		return echoOut{}, events.Errorf(events.CodeInsufficientFunds, "n is %d", in.N)
	}
	return echoOut{Double: 2 * in.N}, nil
}

const arn = "arn:aws:lambda:us-east-1:000000000000:function:double"

func newFunctions() *pipeline.Functions {
	return pipeline.NewFunctions(map[string]func() asl.Invoker{
		arn: func() asl.Invoker { return lambdafn.Handler(double) },
		"arn:aws:lambda:us-east-1:000000000000:function:plain": func() asl.Invoker {
			return lambda.NewHandler(func(context.Context, echoIn) (echoOut, error) { return echoOut{}, errors.New("plain failure") })
		},
	})
}

func task(name string, payload any) *asl.Task {
	return &asl.Task{Resource: asl.ResourceLambdaInvoke, State: "S", Region: "us-east-1", Account: "000000000000", RequestID: "req-1",
		Input: map[string]any{"FunctionName": name, "Payload": payload}}
}

func TestFunctions(t *testing.T) {
	fns := newFunctions()
	tests := []struct {
		name        string
		fn          string
		payload     any
		wantPayload string
		wantErr     string
		wantCause   string
	}{
		{"result under Payload", arn, map[string]any{"n": json.Number("21")}, `{"double":42}`, "", ""},
		{"function named without ARN", "double", map[string]any{"n": json.Number("1")}, `{"double":2}`, "", ""},
		{"qualified with $LATEST", arn + ":$LATEST", map[string]any{"n": json.Number("2")}, `{"double":4}`, "", ""},
		{"error named by its code", arn, map[string]any{"n": json.Number("-1")}, "", "InsufficientFunds", `{"errorMessage":"n is -1","errorType":"InsufficientFunds"}`},
		{"other errors by Go type", "plain", map[string]any{}, "", "errorString", `{"errorMessage":"plain failure","errorType":"errorString"}`},
		{"missing function", "nope", nil, "", "Lambda.ResourceNotFoundException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := fns.RunTask(context.Background(), task(tc.fn, tc.payload))
			if tc.wantErr != "" {
				var e *asl.Error
				if !errors.As(err, &e) || e.Name != tc.wantErr || (tc.wantCause != "" && e.Cause != tc.wantCause) {
					t.Fatalf("error %v, want %s %s", err, tc.wantErr, tc.wantCause)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			env := out.(map[string]any)
			got, _ := json.Marshal(env["Payload"])
			if string(got) != tc.wantPayload || env["StatusCode"] != json.Number("200") {
				t.Fatalf("envelope %v, want Payload %s", env, tc.wantPayload)
			}
		})
	}
}

// TestFunctionsConcurrently runs many invocations at once; under -race it
// checks that no two share a handler's output buffer.
func TestFunctionsConcurrently(t *testing.T) {
	fns := newFunctions()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Go(func() {
			out, err := fns.RunTask(context.Background(), task(arn, map[string]any{"n": json.Number(fmt.Sprint(i))}))
			if err != nil {
				errs <- err
				return
			}
			got, _ := json.Marshal(out.(map[string]any)["Payload"])
			if want := fmt.Sprintf(`{"double":%d}`, 2*i); string(got) != want {
				errs <- fmt.Errorf("invocation %d got %s, want %s", i, got, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
