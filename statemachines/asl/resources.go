package asl

import (
	"context"
	"sort"
	"strings"
)

// Task is one call of a Task state's resource.
type Task struct {
	// Resource is the state's Resource ARN.
	Resource string
	// State is the name of the Task state.
	State string
	// Input is the state's effective input, after InputPath and Parameters.
	// Handlers must not modify it.
	Input any
	// Region and Account are the Machine's.
	Region, Account string
	// RequestID identifies this call, as a Lambda request id would.
	RequestID string
}

// TaskHandler runs Task states for one kind of resource. A returned *Error
// is reported with its name (e.g. "SQS.AmazonSQSException"); any other error
// is reported as States.TaskFailed. The result must be a JSON value
// (nil, bool, json.Number, float64, string, []any, map[string]any).
type TaskHandler interface {
	RunTask(ctx context.Context, t *Task) (any, error)
}

// TaskHandlerFunc adapts a function to TaskHandler.
type TaskHandlerFunc func(ctx context.Context, t *Task) (any, error)

// RunTask calls f.
func (f TaskHandlerFunc) RunTask(ctx context.Context, t *Task) (any, error) { return f(ctx, t) }

// Registry maps Task resource ARNs to the handlers that run them. The zero
// value is not usable; call NewRegistry. Register everything before the
// registry is given to a Machine.
type Registry struct {
	exact    map[string]TaskHandler
	prefixes []prefixHandler
	fns      *functions // the Lambda functions, once any are registered
}

// prefixHandler serves every resource starting with prefix.
type prefixHandler struct {
	prefix string
	h      TaskHandler
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{exact: map[string]TaskHandler{}}
}

// Handle registers h for resource. A resource ending in "*" is a prefix:
// "arn:aws:states:::dynamodb:*" serves every DynamoDB integration. An exact
// match wins over a prefix, and a longer prefix over a shorter one.
func (r *Registry) Handle(resource string, h TaskHandler) {
	if p, ok := strings.CutSuffix(resource, "*"); ok {
		r.prefixes = append(r.prefixes, prefixHandler{p, h})
		sort.SliceStable(r.prefixes, func(i, j int) bool { return len(r.prefixes[i].prefix) > len(r.prefixes[j].prefix) })
		return
	}
	r.exact[resource] = h
}

// Functions registers Lambda functions, keyed by function ARN, for both
// the optimized integration arn:aws:states:::lambda:invoke and Task states
// whose Resource is a function ARN.
//
// Each Invoker is one instance, as a Lambda execution environment is: it
// serves one call at a time, and concurrent calls to the same function
// wait for it. Use FunctionPools for functions that scale out.
func (r *Registry) Functions(fns map[string]Invoker) {
	for arn, inv := range fns {
		r.functions().add(arn, fixedInstance(inv))
	}
}

// FunctionPools registers Lambda functions that scale out as Lambda does:
// a call takes an idle instance, or starts a new one with the function's
// constructor when every instance is busy. Each instance serves one call
// at a time; up to MaxIdleInstances idle instances are kept warm.
func (r *Registry) FunctionPools(fns map[string]func() Invoker) {
	for arn, newInstance := range fns {
		r.functions().add(arn, pooledInstances(newInstance))
	}
}

// functions returns the registry's function set, registering the two
// Lambda resources the first time.
func (r *Registry) functions() *functions {
	if r.fns == nil {
		r.fns = &functions{byARN: map[string]*function{}}
		r.Handle(ResourceLambdaInvoke, &lambdaInvoke{fns: r.fns})
		r.Handle("arn:aws:lambda:*", &lambdaFunction{fns: r.fns})
	}
	return r.fns
}

// SQS registers s for arn:aws:states:::sqs:sendMessage.
func (r *Registry) SQS(s SQSSender) {
	r.Handle(ResourceSQSSendMessage, &sqsSendMessage{s: s})
}

// EventBridge registers p for arn:aws:states:::events:putEvents.
func (r *Registry) EventBridge(p EventPutter) {
	r.Handle(ResourceEventsPutEvents, &eventsPutEvents{p: p})
}

// lookup finds the handler for resource.
func (r *Registry) lookup(resource string) TaskHandler {
	if r == nil {
		return nil
	}
	if h, ok := r.exact[resource]; ok {
		return h
	}
	for _, p := range r.prefixes {
		if strings.HasPrefix(resource, p.prefix) {
			return p.h
		}
	}
	return nil
}

// Resource ARNs of the integrations this package provides.
const (
	ResourceLambdaInvoke    = "arn:aws:states:::lambda:invoke"
	ResourceSQSSendMessage  = "arn:aws:states:::sqs:sendMessage"
	ResourceEventsPutEvents = "arn:aws:states:::events:putEvents"
)
