// Package pipeline runs account commands through the account state machine
// on the local interpreter, synchronously, as API Gateway's
// StartSyncExecution integration does on AWS.
package apigateway

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// Outcome is how one synchronous execution ended.
type Outcome struct {
	ExecutionARN string
	// Status is SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
	Status types.ExecutionStatus
	// Output is the execution's output when it succeeded.
	Output json.RawMessage
	// Error and Cause name the failure otherwise.
	Error string
	Cause string
}

// Succeeded reports whether the execution succeeded.
func (o Outcome) Succeeded() bool { return o.Status == types.ExecutionStatusSucceeded }

// Message is the failure's message for a person: the errorMessage of a
// Lambda error cause ({"errorMessage": …, "errorType": …}), or the cause.
func (o Outcome) Message() string {
	var lambdaErr struct {
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal([]byte(o.Cause), &lambdaErr) == nil && lambdaErr.Message != "" {
		return lambdaErr.Message
	}
	return o.Cause
}

// Syncer starts synchronous executions; *asl.Machine is one.
type Syncer interface {
	StartSync(ctx context.Context, name string, input []byte) (*asl.Execution, error)
}

// Pipeline runs commands on a state machine. Build it with New.
type Pipeline struct {
	m Syncer
}

// New returns a Pipeline over m.
func New(m Syncer) *Pipeline { return &Pipeline{m: m} }

// Run starts an execution with cmd as its input and waits for it to end.
// The execution is named after the command id. An error means it could not
// start; a run that fails is an Outcome with its Error and Cause.
func (p *Pipeline) Run(ctx context.Context, cmd events.Command) (Outcome, error) {
	in, err := json.Marshal(cmd)
	if err != nil {
		return Outcome{}, events.Wrap(events.CodeInternal, err, "cannot encode the command")
	}
	ex, err := p.m.StartSync(ctx, ExecutionName(cmd.CommandID), in)
	if err != nil {
		return Outcome{}, events.Wrap(events.CodeInternal, err, "cannot start an execution")
	}
	o := Outcome{ExecutionARN: ex.ExecutionARN, Status: ex.Status}
	if ex.Output != nil {
		o.Output = json.RawMessage(*ex.Output)
	}
	if ex.Error != nil {
		o.Error = *ex.Error
	}
	if ex.Cause != nil {
		o.Cause = *ex.Cause
	}
	return o, nil
}

// ExecutionName turns a command id into an execution name: execution names
// take letters, digits, '-' and '_', so '.' becomes '_'.
func ExecutionName(commandID string) string {
	return strings.ReplaceAll(commandID, ".", "_")
}
