package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

// Handler returns fn as a Lambda handler: it decodes the JSON payload into
// In with events.DecodePayload, runs fn and encodes its Out as the Lambda
// Go runtime does (no HTML escaping, no trailing newline). A failure is
// returned as InvokeError(err); a payload that does not decode into In
// fails with InvalidCommand. A command travels inside In as its raw JSON,
// which the domain's Decode reads with events.DecodeStrict, as the HTTP API
// reads a body, so a Lambda function on AWS and an in-process task refuse
// the same commands.
//
// It implements lambda.Handler itself rather than going through
// lambda.NewHandler's reflection, which decoded every payload twice; the
// bytes on the wire are the same.
func Handler[In, Out any](fn func(context.Context, In) (Out, error)) lambda.Handler {
	return handler[In, Out](fn)
}

// handler is a typed task function as a lambda.Handler.
type handler[In, Out any] func(context.Context, In) (Out, error)

// Invoke runs the function on one JSON payload.
func (h handler[In, Out]) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var in In
	if err := events.DecodePayload(payload, &in, "the payload does not fit this task"); err != nil {
		return nil, InvokeError(err)
	}
	out, err := h(ctx, in)
	if err != nil {
		return nil, InvokeError(err)
	}
	b, err := encode(out)
	if err != nil {
		return nil, InvokeError(events.Wrap(events.CodeInternal, err, "cannot encode the result"))
	}
	return b, nil
}

// appender is a result that writes its own JSON, as encoding/json would
// write it, without encoding/json walking it again to compact it.
type appender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// encode writes a task's result as the Lambda runtime does: encoding/json
// without HTML escaping. A result that writes its own JSON (the tasks'
// Decision and Persisted) does so, and a json.RawMessage, which a task
// makes with json.Marshal, is sent as it is, compact already.
func encode(out any) ([]byte, error) {
	switch v := out.(type) {
	case appender:
		return v.AppendJSON(nil)
	case json.RawMessage:
		return v, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// InvokeError returns err as the Lambda error response that the runtime
// sends unchanged: its Type is the events.Code of err (Internal for an
// error that carries none) and its Message is the *events.Error message,
// followed by its cause, if any.
func InvokeError(err error) messages.InvokeResponse_Error {
	var e *events.Error
	if !errors.As(err, &e) {
		return messages.InvokeResponse_Error{Type: string(events.CodeInternal), Message: err.Error()}
	}
	return messages.InvokeResponse_Error{Type: string(e.Code), Message: message(e)}
}

func message(e *events.Error) string {
	switch {
	case e.Err == nil && e.Message == "":
		return string(e.Code)
	case e.Err == nil:
		return e.Message
	case e.Message == "":
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

// Task returns the Lambda handler of one pipeline step of p, by its name
// in tasks.Steps (validate, persist, publish or fold). The read task is an
// HTTP handler (see HTTP). Any other name is an InvalidArgument error.
func Task(name string, p tasks.Pipeline) (lambda.Handler, error) {
	switch name {
	case tasks.StepValidate:
		return Handler(p.Validate), nil
	case tasks.StepPersist:
		return Handler(p.Persist), nil
	case tasks.StepPublish:
		return Handler(p.Publish), nil
	case tasks.StepFold:
		return Handler(p.Fold), nil
	}
	return nil, events.Errorf(events.CodeInvalidArgument, "lambdafn: %q is not a pipeline step; want validate, persist, publish or fold", name)
}
