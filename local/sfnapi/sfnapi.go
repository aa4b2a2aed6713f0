// Package sfnapi serves a subset of the AWS Step Functions API over the
// local state machines, on the AWS JSON 1.0 protocol, so that the AWS SDKs
// and the AWS CLI can be pointed at a local stepfold with an endpoint URL.
//
// A request is POST / with X-Amz-Target: AWSStepFunctions.<Operation> and a
// JSON body; the shapes are those of github.com/aws/aws-sdk-go-v2/service/sfn.
// The operations are StartSyncExecution, StartExecution, DescribeExecution,
// ListExecutions, GetExecutionHistory, ListStateMachines,
// DescribeStateMachine, TestState (with stateName and variables) and
// ValidateStateMachineDefinition, which reports what the interpreter's
// loader finds. Errors are {"__type": name, "message": text} with status
// 400 for the caller's mistakes and 500 otherwise.
//
// The SDKs send StartSyncExecution to the host "sync-" + endpoint host.
// Against a local endpoint, turn that prefix off: in Go, pass
// [DisableHostPrefix] in the client's APIOptions.
package sfnapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/stepfold/stepfold/local/executions"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// TargetPrefix starts the X-Amz-Target header of every operation.
const TargetPrefix = "AWSStepFunctions."

// ContentType is the media type of requests and responses.
const ContentType = "application/x-amz-json-1.0"

// maxRequest bounds a request body: Step Functions' 1 MB request limit
// (a definition for TestState or ValidateStateMachineDefinition) plus
// room for the rest of the request. Inputs are held to their own 256 KiB.
const maxRequest = 1<<20 + 64*1024

// Runner is a state machine that runs executions. *asl.Machine is one.
type Runner interface {
	ARN() string
	StartSync(ctx context.Context, name string, input []byte) (*asl.Execution, error)
	StartExecution(ctx context.Context, name string, input []byte) (string, error)
	Describe(ctx context.Context, executionARN string) (*asl.Execution, error)
	History(ctx context.Context, executionARN string) ([]types.HistoryEvent, error)
}

// Lister lists recent executions. *executions.Recent is one.
type Lister interface {
	List(q executions.Query) executions.Page
}

// StateMachine is one state machine the API serves.
type StateMachine struct {
	Name       string
	Runner     Runner
	Definition []byte
	Type       types.StateMachineType
	RoleARN    string
	Created    time.Time
}

// Handler serves the API. Build it with New.
type Handler struct {
	machines      map[string]StateMachine // by name
	order         []string
	list          Lister
	log           *slog.Logger
	testStateOpts []asl.Option
}

// New returns a handler for machines, listing executions through list. It
// fails when a machine has no name or runner, or a name is used twice.
func New(machines []StateMachine, list Lister, log *slog.Logger, opts ...Option) (*Handler, error) {
	if list == nil {
		return nil, errors.New("sfnapi: a Lister is required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{machines: map[string]StateMachine{}, list: list, log: log}
	for _, o := range opts {
		o(h)
	}
	for _, m := range machines {
		if m.Name == "" || m.Runner == nil {
			return nil, errors.New("sfnapi: every state machine needs a name and a runner")
		}
		if _, dup := h.machines[m.Name]; dup {
			return nil, fmt.Errorf("sfnapi: state machine %q is given twice", m.Name)
		}
		if m.Type == "" {
			m.Type = types.StateMachineTypeExpress
		}
		h.machines[m.Name] = m
		h.order = append(h.order, m.Name)
	}
	return h, nil
}

// IsRequest reports whether r is a Step Functions API call, by its target.
func IsRequest(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
}

// ServeHTTP dispatches on X-Amz-Target.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	if r.Method != http.MethodPost || !ok {
		writeError(w, apiErr("UnknownOperationException", "requests are POST with X-Amz-Target: "+TargetPrefix+"<Operation>"))
		return
	}
	fn, ok := h.operations()[op]
	if !ok {
		writeError(w, apiErr("UnknownOperationException", "operation "+op+" is not supported here"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequest))
	if err != nil {
		writeError(w, apiErr("SerializationException", "cannot read the request body: "+err.Error()))
		return
	}
	out, err := fn(r.Context(), body)
	if err != nil {
		h.log.Debug("sfn call failed", "operation", op, "err", err)
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", ContentType)
	_, _ = w.Write(marshal(out))
}

type operation func(ctx context.Context, body []byte) (any, error)

func (h *Handler) operations() map[string]operation {
	return map[string]operation{
		"StartSyncExecution":             h.startSync,
		"StartExecution":                 h.start,
		"DescribeExecution":              h.describeExecution,
		"ListExecutions":                 h.listExecutions,
		"GetExecutionHistory":            h.history,
		"ListStateMachines":              h.listStateMachines,
		"DescribeStateMachine":           h.describeStateMachine,
		"TestState":                      h.testState,
		"ValidateStateMachineDefinition": h.validateDefinition,
	}
}

// decode reads a request shape; member names match case-insensitively.
func decode(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return apiErr("SerializationException", "the request body does not fit the operation: "+err.Error())
	}
	return nil
}

// serviceError is an error shape with a name, as the SDK reads it.
type serviceError struct {
	name, msg string
	status    int
}

func (e *serviceError) Error() string { return e.name + ": " + e.msg }

func apiErr(name, msg string) error { return &serviceError{name, msg, http.StatusBadRequest} }

// writeError writes err as {"__type", "message"}. Errors of the sfn types
// package keep their names; anything else is a 500 InternalFailure.
func writeError(w http.ResponseWriter, err error) {
	e := &serviceError{"InternalFailure", err.Error(), http.StatusInternalServerError}
	var se *serviceError
	var ae smithy.APIError
	switch {
	case errors.As(err, &se):
		e = se
	case errors.As(err, &ae):
		e = &serviceError{ae.ErrorCode(), ae.ErrorMessage(), http.StatusBadRequest}
	}
	b, _ := json.Marshal(map[string]string{"__type": e.name, "message": e.msg})
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("X-Amzn-ErrorType", e.name)
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

// DisableHostPrefix is an AWS SDK for Go APIOptions entry that stops the
// sfn client from sending StartSyncExecution to "sync-<host>", which does
// not resolve for a local endpoint:
//
//	sfn.NewFromConfig(cfg, func(o *sfn.Options) {
//		o.BaseEndpoint = aws.String("http://127.0.0.1:8080")
//		o.APIOptions = append(o.APIOptions, sfnapi.DisableHostPrefix)
//	})
func DisableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("StepfoldDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}
