package asl

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// Invoker is a Lambda function called in-process. It has the method set of
// aws-lambda-go's lambda.Handler, so lambda.NewHandler(fn) plugs in directly
// and the payload takes the same JSON path it takes on Lambda.
//
// A returned error is a function error. It is named as the Lambda Go runtime
// names it: a messages.InvokeResponse_Error by its Type, a *FunctionError by
// its Type, anything else by its Go type name (the pointed-to type for a
// pointer). A panic is reported as Lambda.Unknown.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// FunctionError is a function error with the exact error payload a Lambda
// runtime sent, for Invokers that stand for functions in other runtimes
// (the Python runtime, a remote function).
type FunctionError struct {
	Type    string // the errorType, which becomes the Step Functions error name
	Payload []byte // the JSON error document, e.g. {"errorMessage":..., "errorType":...}
}

// Error returns the error type and payload.
func (e *FunctionError) Error() string { return e.Type + ": " + string(e.Payload) }

// functions resolves function names and ARNs to their instances.
type functions struct {
	byARN map[string]*function
}

func (fs *functions) add(arn string, f *function) { fs.byARN[arn] = f }

// MaxIdleInstances bounds the idle instances a pooled function keeps.
const MaxIdleInstances = 256

// function is one registered function and its instances. An instance is
// called by one caller at a time, as a Lambda execution environment is,
// and its result is copied before it serves again: aws-lambda-go's Handler
// returns bytes from a buffer it reuses once Invoke returns.
type function struct {
	idle  chan Invoker   // instances not serving a call
	spawn func() Invoker // starts an instance; nil for a fixed one
}

// fixedInstance is a function with exactly one instance.
func fixedInstance(inv Invoker) *function {
	f := &function{idle: make(chan Invoker, 1)}
	f.idle <- inv
	return f
}

// pooledInstances is a function that starts instances on demand.
func pooledInstances(newInstance func() Invoker) *function {
	return &function{idle: make(chan Invoker, MaxIdleInstances), spawn: newInstance}
}

// acquire takes an idle instance, starts one, or waits for one.
func (f *function) acquire(ctx context.Context) (Invoker, error) {
	select {
	case inv := <-f.idle:
		return inv, nil
	default:
	}
	if f.spawn != nil {
		return f.spawn(), nil
	}
	select {
	case inv := <-f.idle:
		return inv, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// release returns an instance to the idle set, retiring it when the set
// is full.
func (f *function) release(inv Invoker) {
	select {
	case f.idle <- inv:
	default:
	}
}

// resolve finds a function by ARN (optionally qualified with $LATEST) or by
// name in the task's region and account; it returns the ARN it looked up.
func (fs *functions) resolve(t *Task, name string) (*function, string) {
	arn := name
	if !strings.HasPrefix(name, "arn:") {
		arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", t.Region, t.Account, name)
	}
	arn = strings.TrimSuffix(arn, ":$LATEST")
	return fs.byARN[arn], arn
}

// call invokes the function, turning a panic into Lambda.Unknown.
func (f *function) call(ctx context.Context, payload []byte) (out []byte, err error) {
	inv, err := f.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer f.release(inv)
	defer func() {
		if p := recover(); p != nil {
			body, _ := json.Marshal(messages.InvokeResponse_Error{Message: fmt.Sprint(p), Type: goTypeName(p)})
			out, err = nil, newError("Lambda.Unknown", "The cause could not be determined because Lambda did not return an error type. Returned payload: "+string(body))
		}
	}()
	res, err := inv.Invoke(ctx, payload)
	return append([]byte(nil), res...), err
}

// goTypeName names a value's type as aws-lambda-go's runtime does.
func goTypeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return "nil"
	}
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

// functionError names a function error and renders its cause; compact
// re-serialises the payload as the optimized integration does.
func functionError(err error, compact bool) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var name string
	var payload []byte
	var fe *FunctionError
	var ive messages.InvokeResponse_Error
	var ivp *messages.InvokeResponse_Error
	switch {
	case errors.As(err, &fe):
		name, payload = fe.Type, fe.Payload
	case errors.As(err, &ive):
		name, payload = ive.Type, mustJSON(ive)
	case errors.As(err, &ivp):
		name, payload = ivp.Type, mustJSON(*ivp)
	default:
		name = goTypeName(err)
		payload = mustJSON(messages.InvokeResponse_Error{Message: err.Error(), Type: name})
	}
	if compact {
		return newError(name, compactJSON(payload))
	}
	return newError(name, string(payload))
}

// mustJSON encodes a value that always encodes.
func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// decodeResult reads a function's result, which Step Functions reads as JSON.
// An object or array that can be copied as it is stays a jsonvalue.Raw of
// out: the data flow mostly moves it on to the next function, and decodes
// it only where something inspects it.
func decodeResult(out []byte, name string) (any, error) {
	if len(out) > MaxPayloadSize {
		return nil, resultLimitError(name)
	}
	if len(out) == 0 {
		return nil, nil
	}
	v, err := jsonvalue.DecodeLazy(out)
	if err != nil {
		return string(out), nil
	}
	return v, nil
}

// lambdaFunction runs Task states whose Resource is a function ARN.
type lambdaFunction struct{ fns *functions }

// takesRawInput marks lambdaFunction as a rawInputHandler: it encodes its
// input.
func (*lambdaFunction) takesRawInput() {}

// RunTask invokes the function with the effective input; the result is the
// function's output.
func (h *lambdaFunction) RunTask(ctx context.Context, t *Task) (any, error) {
	fn, arn := h.fns.resolve(t, t.Resource)
	if fn == nil {
		return nil, notFound(arn, t)
	}
	payload, err := encodeJSON(t.Input)
	if err != nil {
		return nil, newError(ErrorRuntime, err.Error())
	}
	out, err := fn.call(ctx, payload)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, functionError(err, false)
	}
	return decodeResult(out, t.Resource)
}

// notFound is Lambda's error for a missing function.
func notFound(arn string, t *Task) *Error {
	return newError("Lambda.ResourceNotFoundException", fmt.Sprintf("Function not found: %s:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)", arn, t.RequestID))
}

// lambdaInvoke is the optimized integration arn:aws:states:::lambda:invoke.
type lambdaInvoke struct{ fns *functions }

// takesRawInput marks lambdaInvoke as a rawInputHandler: it encodes its
// Payload and reads only FunctionName and LogType.
func (*lambdaInvoke) takesRawInput() {}

// RunTask invokes FunctionName with Payload and returns Lambda's response
// envelope.
func (h *lambdaInvoke) RunTask(ctx context.Context, t *Task) (any, error) {
	params := inputObject(t.Input)
	name, _ := params["FunctionName"].(string)
	if name == "" {
		return nil, newError("Lambda.InvalidParameterValueException", "The parameter FunctionName is required and must be a string.")
	}
	fn, arn := h.fns.resolve(t, name)
	if fn == nil {
		return nil, notFound(arn, t)
	}
	payload, err := invokePayload(params["Payload"])
	if err != nil {
		return nil, newError(ErrorRuntime, err.Error())
	}
	out, err := fn.call(ctx, payload)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, functionError(err, true)
	}
	result, err := decodeResult(out, "lambda")
	if err != nil {
		return nil, err
	}
	return &lambdaResult{payload: result, size: len(out), requestID: t.RequestID, tail: params["LogType"] == "Tail"}, nil
}

// lambdaResult is a lambda:invoke result before its response envelope is
// built. The envelope holds five maps of headers that most states never
// read: a ResultSelector that reads only Payload runs on the payload
// alone, and the envelope is built when something reads the rest, or when
// the history is rendered. It is never part of a state's output.
type lambdaResult struct {
	payload   any
	size      int
	requestID string
	tail      bool
}

// envelope returns the whole result, as Step Functions returns it.
func (l *lambdaResult) envelope() map[string]any {
	return invokeEnvelope(l.payload, l.size, l.requestID, l.tail)
}

// payloadOnly returns the envelope cut down to its Payload, for a
// ResultSelector that reads nothing else.
func (l *lambdaResult) payloadOnly() map[string]any {
	return map[string]any{"Payload": l.payload}
}

// materialize returns v, with a lambdaResult turned into its envelope.
func materialize(v any) any {
	if l, ok := v.(*lambdaResult); ok {
		return l.envelope()
	}
	return v
}

// inputObject returns a task's input as an object, opening it if it is a
// raw JSON text; nil when it is not an object.
func inputObject(v any) map[string]any {
	if r, ok := v.(jsonvalue.Raw); ok {
		v = r.Shallow()
	}
	m, _ := v.(map[string]any)
	return m
}

// invokePayload is the request body: a string is sent as it is, null or
// absent sends an empty object, anything else is sent as JSON.
func invokePayload(p any) ([]byte, error) {
	switch v := p.(type) {
	case nil:
		return []byte("{}"), nil
	case string:
		return []byte(v), nil
	}
	return encodeJSON(p)
}

// invokeEnvelope builds the Lambda Invoke response as Step Functions
// returns it.
func invokeEnvelope(payload any, size int, requestID string, tail bool) map[string]any {
	var length, id any = strconv.Itoa(size), requestID
	headers := map[string]any{
		"Connection":             "keep-alive",
		"Content-Length":         length,
		"Content-Type":           "application/json",
		"X-Amz-Executed-Version": "$LATEST",
		"x-amzn-RequestId":       id,
	}
	// One array backs the five one-element header lists.
	lists := [5]any{"keep-alive", length, "application/json", "$LATEST", id}
	all := map[string]any{
		"Connection":             lists[0:1:1],
		"Content-Length":         lists[1:2:2],
		"Content-Type":           lists[2:3:3],
		"X-Amz-Executed-Version": lists[3:4:4],
		"x-amzn-RequestId":       lists[4:5:5],
	}
	env := map[string]any{
		"ExecutedVersion":     "$LATEST",
		"Payload":             payload,
		"SdkHttpMetadata":     map[string]any{"AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": json.Number("200")},
		"SdkResponseMetadata": map[string]any{"RequestId": id},
		"StatusCode":          json.Number("200"),
	}
	if tail {
		env["LogResult"] = base64.StdEncoding.EncodeToString([]byte("START RequestId: " + requestID + " Version: $LATEST\nEND RequestId: " + requestID + "\n"))
	}
	return env
}
