package sfnapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/local/executions"
	"github.com/stepfold/stepfold/statemachines/asl"
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// machineByARN finds a served state machine by its ARN.
func (h *Handler) machineByARN(arn string) (StateMachine, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "stateMachine" {
		return StateMachine{}, &types.InvalidArn{Message: aws.String("Invalid Arn: '" + arn + "'")}
	}
	m, ok := h.machines[parts[6]]
	if !ok || m.Runner.ARN() != arn {
		return StateMachine{}, &types.StateMachineDoesNotExist{Message: aws.String("State Machine Does Not Exist: '" + arn + "'")}
	}
	return m, nil
}

// machineOfExecution finds the machine an execution ARN belongs to:
// ...:execution:<machine>:<name> or ...:express:<machine>:<name>:<id>.
func (h *Handler) machineOfExecution(arn string) (StateMachine, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 8 || parts[0] != "arn" || parts[2] != "states" || (parts[5] != "execution" && parts[5] != "express") {
		return StateMachine{}, &types.InvalidArn{Message: aws.String("Invalid Arn: '" + arn + "'")}
	}
	m, ok := h.machines[parts[6]]
	if !ok {
		return StateMachine{}, notFound(arn)
	}
	return m, nil
}

func notFound(arn string) error {
	return &types.ExecutionDoesNotExist{Message: aws.String("Execution Does Not Exist: '" + arn + "'")}
}

// checkStart validates a start request's name and input.
func checkStart(name, input *string) ([]byte, error) {
	if n := aws.ToString(name); n != "" && !namePattern.MatchString(n) {
		return nil, &types.InvalidName{Message: aws.String("Invalid Name: '" + n + "'")}
	}
	in := []byte(aws.ToString(input))
	if len(in) == 0 {
		in = []byte("{}")
	}
	if len(in) > asl.MaxPayloadSize {
		return nil, &types.InvalidExecutionInput{Message: aws.String(fmt.Sprintf("Input of %d bytes is over the limit of %d bytes", len(in), asl.MaxPayloadSize))}
	}
	if !json.Valid(in) {
		return nil, &types.InvalidExecutionInput{Message: aws.String("Invalid State Machine Execution Input: 'the input is not valid JSON'")}
	}
	return in, nil
}

func (h *Handler) startSync(ctx context.Context, body []byte) (any, error) {
	var in sfn.StartSyncExecutionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := h.machineByARN(aws.ToString(in.StateMachineArn))
	if err != nil {
		return nil, err
	}
	if m.Type != types.StateMachineTypeExpress {
		return nil, &types.StateMachineTypeNotSupported{Message: aws.String("This operation is not supported by this type of state machine")}
	}
	input, err := checkStart(in.Name, in.Input)
	if err != nil {
		return nil, err
	}
	ex, err := m.Runner.StartSync(context.WithoutCancel(ctx), aws.ToString(in.Name), input)
	if err != nil {
		return nil, err
	}
	h.log.Info("sync execution finished", "executionArn", ex.ExecutionARN, "status", ex.Status)
	return syncOutput(ex), nil
}

func syncOutput(ex *asl.Execution) *sfn.StartSyncExecutionOutput {
	out := &sfn.StartSyncExecutionOutput{
		ExecutionArn:    aws.String(ex.ExecutionARN),
		StateMachineArn: aws.String(ex.StateMachineARN),
		Name:            aws.String(ex.Name),
		StartDate:       aws.Time(ex.StartDate),
		StopDate:        aws.Time(ex.StopDate),
		Status:          types.SyncExecutionStatus(ex.Status),
		Input:           aws.String(ex.Input),
		InputDetails:    &types.CloudWatchEventsExecutionDataDetails{Included: true},
		Output:          ex.Output,
		Error:           ex.Error,
		Cause:           ex.Cause,
		BillingDetails:  &types.BillingDetails{BilledDurationInMilliseconds: ex.StopDate.Sub(ex.StartDate).Milliseconds()},
	}
	if ex.Output != nil {
		out.OutputDetails = &types.CloudWatchEventsExecutionDataDetails{Included: true}
	}
	return out
}

func (h *Handler) start(ctx context.Context, body []byte) (any, error) {
	var in sfn.StartExecutionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := h.machineByARN(aws.ToString(in.StateMachineArn))
	if err != nil {
		return nil, err
	}
	input, err := checkStart(in.Name, in.Input)
	if err != nil {
		return nil, err
	}
	arn, err := m.Runner.StartExecution(ctx, aws.ToString(in.Name), input)
	if errors.Is(err, asl.ErrExecutionExists) {
		return nil, &types.ExecutionAlreadyExists{Message: aws.String("Execution Already Exists: '" + aws.ToString(in.Name) + "'")}
	}
	if err != nil {
		return nil, err
	}
	h.log.Info("execution started", "executionArn", arn)
	ex, err := m.Runner.Describe(ctx, arn)
	if err != nil {
		return nil, err
	}
	return &sfn.StartExecutionOutput{ExecutionArn: aws.String(arn), StartDate: aws.Time(ex.StartDate)}, nil
}

// execution loads an execution by ARN.
func (h *Handler) execution(ctx context.Context, arn string) (StateMachine, *asl.Execution, error) {
	m, err := h.machineOfExecution(arn)
	if err != nil {
		return m, nil, err
	}
	ex, err := m.Runner.Describe(ctx, arn)
	if errors.Is(err, asl.ErrExecutionNotFound) {
		return m, nil, notFound(arn)
	}
	return m, ex, err
}

func (h *Handler) describeExecution(ctx context.Context, body []byte) (any, error) {
	var in sfn.DescribeExecutionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	_, ex, err := h.execution(ctx, aws.ToString(in.ExecutionArn))
	if err != nil {
		return nil, err
	}
	out := &sfn.DescribeExecutionOutput{
		ExecutionArn:    aws.String(ex.ExecutionARN),
		StateMachineArn: aws.String(ex.StateMachineARN),
		Name:            aws.String(ex.Name),
		Status:          ex.Status,
		StartDate:       aws.Time(ex.StartDate),
		Input:           aws.String(ex.Input),
		InputDetails:    &types.CloudWatchEventsExecutionDataDetails{Included: true},
		Output:          ex.Output,
		Error:           ex.Error,
		Cause:           ex.Cause,
	}
	if !ex.StopDate.IsZero() {
		out.StopDate = aws.Time(ex.StopDate)
	}
	if ex.Output != nil {
		out.OutputDetails = &types.CloudWatchEventsExecutionDataDetails{Included: true}
	}
	return out, nil
}

func (h *Handler) listExecutions(_ context.Context, body []byte) (any, error) {
	var in sfn.ListExecutionsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := h.machineByARN(aws.ToString(in.StateMachineArn))
	if err != nil {
		return nil, err
	}
	q := executions.Query{StateMachineARN: m.Runner.ARN(), Status: in.StatusFilter, Limit: int(in.MaxResults)}
	if q.Before, err = parseToken(in.NextToken); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, &types.ValidationException{Message: aws.String("maxResults must be between 0 and 1000")}
	}
	p := h.list.List(q)
	out := &sfn.ListExecutionsOutput{Executions: make([]types.ExecutionListItem, 0, len(p.Executions))}
	for _, ex := range p.Executions {
		item := types.ExecutionListItem{ExecutionArn: aws.String(ex.ExecutionARN), StateMachineArn: aws.String(ex.StateMachineARN),
			Name: aws.String(ex.Name), Status: ex.Status, StartDate: aws.Time(ex.StartDate)}
		if !ex.StopDate.IsZero() {
			item.StopDate = aws.Time(ex.StopDate)
		}
		out.Executions = append(out.Executions, item)
	}
	if p.Next != 0 {
		out.NextToken = aws.String(strconv.FormatUint(p.Next, 10))
	}
	return out, nil
}

// parseToken reads a nextToken made by this package (a number), or 0.
func parseToken(tok *string) (uint64, error) {
	if aws.ToString(tok) == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(*tok, 10, 64)
	if err != nil {
		return 0, &types.InvalidToken{Message: aws.String("Invalid Token: '" + *tok + "'")}
	}
	return n, nil
}

func (h *Handler) history(ctx context.Context, body []byte) (any, error) {
	var in sfn.GetExecutionHistoryInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, _, err := h.execution(ctx, aws.ToString(in.ExecutionArn))
	if err != nil {
		return nil, err
	}
	evs, err := m.Runner.History(ctx, aws.ToString(in.ExecutionArn))
	if err != nil {
		return nil, err
	}
	return historyPage(evs, in)
}

// historyPage cuts the history to the requested page and order.
func historyPage(evs []types.HistoryEvent, in sfn.GetExecutionHistoryInput) (*sfn.GetExecutionHistoryOutput, error) {
	if in.ReverseOrder {
		rev := make([]types.HistoryEvent, len(evs))
		for i, e := range evs {
			rev[len(evs)-1-i] = e
		}
		evs = rev
	}
	start, err := parseToken(in.NextToken)
	if err != nil || start > uint64(len(evs)) {
		return nil, &types.InvalidToken{Message: aws.String("Invalid Token: '" + aws.ToString(in.NextToken) + "'")}
	}
	limit := int(in.MaxResults)
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	end := min(int(start)+limit, len(evs))
	out := &sfn.GetExecutionHistoryOutput{Events: evs[start:end]}
	if end < len(evs) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	if in.IncludeExecutionData != nil && !*in.IncludeExecutionData {
		stripData(out.Events)
	}
	return out, nil
}

// stripData removes inputs and outputs, as includeExecutionData=false does.
func stripData(evs []types.HistoryEvent) {
	for i := range evs {
		e := &evs[i]
		if d := e.StateEnteredEventDetails; d != nil {
			c := *d
			c.Input, c.InputDetails = nil, nil
			e.StateEnteredEventDetails = &c
		}
		if d := e.StateExitedEventDetails; d != nil {
			c := *d
			c.Output, c.OutputDetails = nil, nil
			e.StateExitedEventDetails = &c
		}
	}
}

func (h *Handler) listStateMachines(_ context.Context, _ []byte) (any, error) {
	out := &sfn.ListStateMachinesOutput{StateMachines: []types.StateMachineListItem{}}
	for _, name := range h.order {
		m := h.machines[name]
		out.StateMachines = append(out.StateMachines, types.StateMachineListItem{
			StateMachineArn: aws.String(m.Runner.ARN()), Name: aws.String(m.Name), Type: m.Type, CreationDate: aws.Time(m.Created)})
	}
	return out, nil
}

func (h *Handler) describeStateMachine(_ context.Context, body []byte) (any, error) {
	var in sfn.DescribeStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	m, err := h.machineByARN(aws.ToString(in.StateMachineArn))
	if err != nil {
		return nil, err
	}
	return &sfn.DescribeStateMachineOutput{
		StateMachineArn:      aws.String(m.Runner.ARN()),
		Name:                 aws.String(m.Name),
		Status:               types.StateMachineStatusActive,
		Definition:           aws.String(string(m.Definition)),
		RoleArn:              aws.String(m.RoleARN),
		Type:                 m.Type,
		CreationDate:         aws.Time(m.Created),
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelOff},
	}, nil
}
