package asl

import (
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// event is one history event as recorded during a run. Values are kept as
// they are and rendered to JSON only when the history is read, so recording
// stays cheap.
type event struct {
	typ       types.HistoryEventType
	ts        time.Time
	prev      int64
	name      string // state name; the region for TaskScheduled
	input     any
	output    any
	hasInput  bool
	hasOutput bool
	err       *Error
	resource  string
	timeout   int64
	index     int            // Map iteration index or Map length
	assigned  map[string]any // the variables a state set, on its exit
}

// evaluationFailed is the event of a failed JSONata expression.
const evaluationFailed = types.HistoryEventTypeEvaluationFailed

// history is the event log of one execution; parallel branches append to it
// concurrently.
type history struct {
	mu     sync.Mutex
	events []event
}

// add appends e and returns its id (ids start at 1).
func (h *history) add(e event) int64 {
	h.mu.Lock()
	h.events = append(h.events, e)
	id := int64(len(h.events))
	h.mu.Unlock()
	return id
}

// len returns the number of events recorded so far.
func (h *history) len() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return int64(len(h.events))
}

// snapshot converts the events recorded so far to AWS's shape.
func (h *history) snapshot(roleARN string) []types.HistoryEvent {
	h.mu.Lock()
	evs := append([]event(nil), h.events...)
	h.mu.Unlock()
	out := make([]types.HistoryEvent, len(evs))
	for i := range evs {
		out[i] = evs[i].toAWS(int64(i+1), roleARN)
	}
	return out
}

// jsonPtr renders a value for a history detail.
func jsonPtr(v any) *string { return aws.String(jsonText(v)) }

// errFields returns the error and cause of e as AWS optional strings.
func errFields(e *Error) (name, cause *string) {
	if e == nil {
		return nil, nil
	}
	if e.HasName() {
		name = aws.String(e.Name)
	}
	if e.HasCause() {
		cause = aws.String(e.Cause)
	}
	return name, cause
}

// serviceResource splits an optimized-integration ARN into the
// ResourceType and Resource that Task* events carry
// ("arn:aws:states:::lambda:invoke" -> "lambda", "invoke").
func serviceResource(arn string) (resourceType, resource string) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:states:::")
	if !ok {
		return "", arn
	}
	typ, res, ok := strings.Cut(rest, ":")
	if !ok {
		return "", arn
	}
	return typ, res
}

// toAWS converts the event to a types.HistoryEvent.
func (e *event) toAWS(id int64, roleARN string) types.HistoryEvent {
	h := types.HistoryEvent{Id: id, PreviousEventId: e.prev, Timestamp: aws.Time(e.ts), Type: e.typ}
	errName, cause := errFields(e.err)
	rtype, res := serviceResource(e.resource)
	switch e.typ {
	case types.HistoryEventTypeExecutionStarted:
		h.ExecutionStartedEventDetails = &types.ExecutionStartedEventDetails{Input: jsonPtr(e.input), InputDetails: &types.HistoryEventExecutionDataDetails{}, RoleArn: aws.String(roleARN)}
	case types.HistoryEventTypeExecutionSucceeded:
		h.ExecutionSucceededEventDetails = &types.ExecutionSucceededEventDetails{Output: jsonPtr(e.output), OutputDetails: &types.HistoryEventExecutionDataDetails{}}
	case types.HistoryEventTypeExecutionFailed:
		h.ExecutionFailedEventDetails = &types.ExecutionFailedEventDetails{Error: errName, Cause: cause}
	case types.HistoryEventTypeExecutionTimedOut:
		h.ExecutionTimedOutEventDetails = &types.ExecutionTimedOutEventDetails{Error: errName, Cause: cause}
	case types.HistoryEventTypeExecutionAborted:
		h.ExecutionAbortedEventDetails = &types.ExecutionAbortedEventDetails{Error: errName, Cause: cause}
	case types.HistoryEventTypeTaskScheduled:
		h.TaskScheduledEventDetails = &types.TaskScheduledEventDetails{Resource: aws.String(res), ResourceType: aws.String(rtype), Parameters: jsonPtr(e.input), Region: aws.String(e.name)}
		if e.timeout > 0 {
			h.TaskScheduledEventDetails.TimeoutInSeconds = aws.Int64(e.timeout)
		}
	case types.HistoryEventTypeTaskStarted:
		h.TaskStartedEventDetails = &types.TaskStartedEventDetails{Resource: aws.String(res), ResourceType: aws.String(rtype)}
	case types.HistoryEventTypeTaskSucceeded:
		h.TaskSucceededEventDetails = &types.TaskSucceededEventDetails{Resource: aws.String(res), ResourceType: aws.String(rtype), Output: jsonPtr(e.output), OutputDetails: &types.HistoryEventExecutionDataDetails{}}
	case types.HistoryEventTypeTaskFailed:
		h.TaskFailedEventDetails = &types.TaskFailedEventDetails{Resource: aws.String(res), ResourceType: aws.String(rtype), Error: errName, Cause: cause}
	case types.HistoryEventTypeTaskTimedOut:
		h.TaskTimedOutEventDetails = &types.TaskTimedOutEventDetails{Resource: aws.String(res), ResourceType: aws.String(rtype), Error: errName, Cause: cause}
	case types.HistoryEventTypeLambdaFunctionScheduled:
		h.LambdaFunctionScheduledEventDetails = &types.LambdaFunctionScheduledEventDetails{Resource: aws.String(e.resource), Input: jsonPtr(e.input), InputDetails: &types.HistoryEventExecutionDataDetails{}}
		if e.timeout > 0 {
			h.LambdaFunctionScheduledEventDetails.TimeoutInSeconds = aws.Int64(e.timeout)
		}
	case types.HistoryEventTypeLambdaFunctionSucceeded:
		h.LambdaFunctionSucceededEventDetails = &types.LambdaFunctionSucceededEventDetails{Output: jsonPtr(e.output), OutputDetails: &types.HistoryEventExecutionDataDetails{}}
	case types.HistoryEventTypeLambdaFunctionFailed:
		h.LambdaFunctionFailedEventDetails = &types.LambdaFunctionFailedEventDetails{Error: errName, Cause: cause}
	case types.HistoryEventTypeLambdaFunctionTimedOut:
		h.LambdaFunctionTimedOutEventDetails = &types.LambdaFunctionTimedOutEventDetails{Error: errName, Cause: cause}
	case types.HistoryEventTypeMapStateStarted:
		h.MapStateStartedEventDetails = &types.MapStateStartedEventDetails{Length: int32(e.index)}
	case types.HistoryEventTypeMapIterationStarted:
		h.MapIterationStartedEventDetails = &types.MapIterationEventDetails{Name: aws.String(e.name), Index: int32(e.index)}
	case types.HistoryEventTypeMapIterationSucceeded:
		h.MapIterationSucceededEventDetails = &types.MapIterationEventDetails{Name: aws.String(e.name), Index: int32(e.index)}
	case types.HistoryEventTypeMapIterationFailed:
		h.MapIterationFailedEventDetails = &types.MapIterationEventDetails{Name: aws.String(e.name), Index: int32(e.index)}
	case evaluationFailed:
		h.EvaluationFailedEventDetails = &types.EvaluationFailedEventDetails{State: aws.String(e.name), Error: errName, Cause: cause}
		if e.err != nil && e.err.location != "" {
			h.EvaluationFailedEventDetails.Location = aws.String(e.err.location)
		}
	case types.HistoryEventTypeTaskStateAborted:
		h.StateExitedEventDetails = &types.StateExitedEventDetails{Name: aws.String(e.name)}
	default:
		e.stateDetails(&h)
	}
	return h
}

// stateDetails fills the details of *StateEntered and *StateExited events.
func (e *event) stateDetails(h *types.HistoryEvent) {
	switch {
	case e.hasInput:
		h.StateEnteredEventDetails = &types.StateEnteredEventDetails{Name: aws.String(e.name), Input: jsonPtr(e.input), InputDetails: &types.HistoryEventExecutionDataDetails{}}
	case e.hasOutput:
		h.StateExitedEventDetails = &types.StateExitedEventDetails{Name: aws.String(e.name), Output: jsonPtr(e.output), OutputDetails: &types.HistoryEventExecutionDataDetails{}}
		if e.assigned != nil {
			h.StateExitedEventDetails.AssignedVariables = variablesText(e.assigned)
			h.StateExitedEventDetails.AssignedVariablesDetails = &types.AssignedVariablesDetails{}
		}
	}
}

// enteredType and exitedType name a state type's history events.
func enteredType(typ string) types.HistoryEventType {
	return types.HistoryEventType(typ + "StateEntered")
}

func exitedType(typ string) types.HistoryEventType {
	return types.HistoryEventType(typ + "StateExited")
}
