package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/stepfold/stepfold/statemachines/asl"
)

// Functions is the optimized integration arn:aws:states:::lambda:invoke over
// in-process functions that scale out as Lambda does: each invocation runs
// in an execution environment (an Invoker) that serves one invocation at a
// time, and a new environment is made whenever all are busy. Register it
// with registry.Handle(asl.ResourceLambdaInvoke, fns).
//
// asl.Registry.Functions serves the same integration with one environment
// per function, which serialises every Persist and so defeats the store's
// group commit.
type Functions struct {
	byARN map[string]*environments
}

var _ asl.TaskHandler = (*Functions)(nil)

// environments are the idle execution environments of one function.
type environments struct{ idle sync.Pool }

// NewFunctions returns the integration over functions keyed by ARN, each
// given by a constructor of its execution environments, such as
// func() asl.Invoker { return lambdafn.Handler(svc.Persist) }.
func NewFunctions(fns map[string]func() asl.Invoker) *Functions {
	m := make(map[string]*environments, len(fns))
	for arn, newEnv := range fns {
		m[arn] = &environments{idle: sync.Pool{New: func() any { return newEnv() }}}
	}
	return &Functions{byARN: m}
}

// invoke runs one invocation in an idle environment. The result is copied
// before the environment takes another: aws-lambda-go's handlers reuse
// their output buffer.
func (e *environments) invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inv := e.idle.Get().(asl.Invoker)
	defer e.idle.Put(inv)
	out, err := inv.Invoke(ctx, payload)
	return bytes.Clone(out), err
}

// RunTask invokes FunctionName with Payload and returns the Invoke response
// as Step Functions does: the function's result under "Payload", with the
// status and request metadata. A function error becomes an *asl.Error named
// by its errorType, whose cause is the error document.
func (f *Functions) RunTask(ctx context.Context, t *asl.Task) (any, error) {
	params, _ := t.Input.(map[string]any)
	name, _ := params["FunctionName"].(string)
	fn, arn := f.resolve(t, name)
	if fn == nil {
		return nil, &asl.Error{Name: "Lambda.ResourceNotFoundException", Cause: fmt.Sprintf(
			"Function not found: %s:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)", arn, t.RequestID)}
	}
	payload, err := json.Marshal(orEmpty(params["Payload"]))
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrorRuntime, Cause: err.Error()}
	}
	out, err := fn.invoke(ctx, payload)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, functionError(err)
	}
	result, err := decode(out)
	if err != nil {
		return nil, &asl.Error{Name: asl.ErrorRuntime, Cause: "the function returned a payload that is not JSON"}
	}
	return envelope(result, t.RequestID), nil
}

// resolve finds a function by ARN or by name in the task's account.
func (f *Functions) resolve(t *asl.Task, name string) (*environments, string) {
	arn := name
	if !strings.HasPrefix(name, "arn:") {
		arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", t.Region, t.Account, name)
	}
	arn = strings.TrimSuffix(arn, ":$LATEST")
	return f.byARN[arn], arn
}

func orEmpty(v any) any {
	if v == nil {
		return map[string]any{}
	}
	return v
}

// decode reads a result as the interpreter keeps JSON: numbers as
// json.Number. An empty result is null.
func decode(out []byte) (any, error) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// functionError names a function error as the Lambda Go runtime does: a
// messages.InvokeResponse_Error by its Type, anything else by its Go type.
func functionError(err error) *asl.Error {
	var ive messages.InvokeResponse_Error
	var ivp *messages.InvokeResponse_Error
	switch {
	case errors.As(err, &ive):
	case errors.As(err, &ivp):
		ive = *ivp
	default:
		ive = messages.InvokeResponse_Error{Message: err.Error(), Type: goTypeName(err)}
	}
	doc, _ := json.Marshal(ive)
	return &asl.Error{Name: ive.Type, Cause: string(doc)}
}

func goTypeName(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

// envelope is the Lambda Invoke response that Step Functions returns.
func envelope(payload any, requestID string) map[string]any {
	return map[string]any{
		"ExecutedVersion":     "$LATEST",
		"Payload":             payload,
		"SdkHttpMetadata":     map[string]any{"HttpStatusCode": json.Number("200")},
		"SdkResponseMetadata": map[string]any{"RequestId": requestID},
		"StatusCode":          json.Number("200"),
	}
}
