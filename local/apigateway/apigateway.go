// Package apigateway runs a domain's commands through its state machine on
// the local interpreter, synchronously, as API Gateway's
// StartSyncExecution integration does on AWS. Its Runner is the
// httpapi.Runner of the local server and the command runner of the
// dead-letter redrive.
package apigateway

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// Syncer starts synchronous executions; *asl.Machine is one.
type Syncer interface {
	StartSync(ctx context.Context, name string, input []byte) (*asl.Execution, error)
}

// Runner runs commands on one state machine. Build it with New.
type Runner struct {
	m Syncer
}

var _ httpapi.Runner = (*Runner)(nil)

// New returns a Runner over m.
func New(m Syncer) *Runner { return &Runner{m: m} }

// Run starts an execution with the command as its input and waits for it
// to end. The execution is named after the command id. An error means it
// could not start; a run that fails is an Outcome with its Error and Cause.
func (p *Runner) Run(ctx context.Context, commandID string, command []byte) (httpapi.Outcome, error) {
	ex, err := p.m.StartSync(ctx, ExecutionName(commandID), command)
	if err != nil {
		return httpapi.Outcome{}, events.Wrap(events.CodeInternal, err, "cannot start an execution")
	}
	o := httpapi.Outcome{ExecutionARN: ex.ExecutionARN, Succeeded: ex.Status == types.ExecutionStatusSucceeded}
	if ex.Output != nil {
		o.Output = []byte(*ex.Output)
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
