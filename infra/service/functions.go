package service

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/stepfold/stepfold/tasks"
)

// Environment variables the Lambda bootstrap reads.
const (
	EnvTask         = "STEPFOLD_TASK"
	EnvEventsTable  = "EVENTS_TABLE"
	EnvStateTable   = "STATE_TABLE"
	EnvEventBusName = "EVENT_BUS_NAME"
)

// newFunctions makes one function per step of the task table and one per
// subscriber, and grants each what its Access names, and nothing more.
//
// The environment follows the Lambda main, which refuses to start a step
// without all of EVENTS_TABLE, STATE_TABLE and EVENT_BUS_NAME, and a
// subscriber without both table names (it gets the bus name too when it
// publishes). A name grants nothing; the grants do.
func newFunctions(scope constructs.Construct, p Props, tables Tables, bus awsevents.IEventBus) map[string]awslambda.Function {
	tableNames := map[string]*string{EnvEventsTable: tables.Events.TableName(), EnvStateTable: tables.State.TableName()}
	withBus := map[string]*string{EnvEventBusName: bus.EventBusName()}
	for k, v := range tableNames {
		withBus[k] = v
	}
	fns := map[string]awslambda.Function{}
	add := func(task string, access tasks.Access, env map[string]*string) {
		fn := newFunction(scope, task, p, env)
		grantAccess(fn, access, p, tables, bus)
		fns[task] = fn
	}
	for _, s := range tasks.Steps() {
		add(s.Name, s.Access, withBus)
	}
	for _, s := range p.Subscribers {
		env := tableNames
		if s.Access.Publish {
			env = withBus
		}
		add(s.Task, s.Access, env)
	}
	return fns
}

// grantAccess gives fn what access names. Publishing is limited to events
// of the domain's own source, so that a shared bus carries no event one
// domain passes off as another's.
func grantAccess(fn awslambda.Function, access tasks.Access, p Props, tables Tables, bus awsevents.IEventBus) {
	grantTable(fn, tables.Events, access.ReadEvents, access.WriteEvents)
	grantTable(fn, tables.State, access.ReadState, access.WriteState)
	if access.Publish {
		fn.Role().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:    strs("events:PutEvents"),
			Resources:  &[]*string{bus.EventBusArn()},
			Conditions: &map[string]any{"StringEquals": map[string]any{"events:source": p.Info.Source}},
		}))
	}
}

// grantTable grants read, write or both on a table.
func grantTable(fn awslambda.Function, table awsdynamodb.ITable, read, write bool) {
	switch {
	case read && write:
		table.GrantReadWriteData(fn)
	case read:
		table.GrantReadData(fn)
	case write:
		table.GrantWriteData(fn)
	}
}

// newFunction makes one arm64 provided.al2023 function from the prebuilt
// bootstrap, with X-Ray tracing, its own log group, and a role that may
// write only to that log group until grants add more.
func newFunction(scope constructs.Construct, task string, p Props, env map[string]*string) awslambda.Function {
	id := constructID(task)
	logs := awslogs.NewLogGroup(scope, str(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: p.RemovalPolicy,
	})
	what := "stepfold " + p.Info.Name + " " + task
	role := awsiam.NewRole(scope, str(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(str("lambda.amazonaws.com"), nil),
		Description: str(what + " function"),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   strs("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: &[]*string{logs.LogGroupArn()},
	}))
	environment := map[string]*string{EnvTask: str(task)}
	for k, v := range env {
		environment[k] = v
	}
	return awslambda.NewFunction(scope, str(id), &awslambda.FunctionProps{
		Description:  str(what),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      str("bootstrap"),
		Code:         awslambda.Code_FromAsset(str(p.Bootstrap), nil),
		MemorySize:   num(256),
		Timeout:      awscdk.Duration_Seconds(num(10)),
		Tracing:      awslambda.Tracing_ACTIVE,
		Role:         role,
		LogGroup:     logs,
		Environment:  &environment,
	})
}

// constructID turns a task name into a construct id: "notify" is
// "Notify", "send-mail" is "SendMail".
func constructID(task string) string {
	var b strings.Builder
	for _, part := range strings.Split(task, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
