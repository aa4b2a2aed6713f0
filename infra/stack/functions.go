package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
)

// Task names, as the Lambda binary reads them from STEPFOLD_TASK.
const (
	TaskValidate = "validate"
	TaskPersist  = "persist"
	TaskPublish  = "publish"
	TaskFold     = "fold"
	TaskRead     = "read"
	TaskNotify   = "notify"
)

// Environment variables the Lambda binary reads.
const (
	EnvTask         = "STEPFOLD_TASK"
	EnvEventsTable  = "EVENTS_TABLE"
	EnvStateTable   = "STATE_TABLE"
	EnvEventBusName = "EVENT_BUS_NAME"
)

// Functions are the six Lambda functions; all run the same bootstrap and
// differ by STEPFOLD_TASK, environment and grants.
type Functions struct {
	Validate, Persist, Publish, Fold, Read, Notify awslambda.Function
}

// newFunctions makes the functions and grants each exactly what its task
// uses: validate reads events; persist reads and writes events; publish puts
// events on the bus; fold reads events and reads and writes state; read
// reads both tables; notify reads events (for the account's currency).
//
// The environment follows cmd/lambda, which refuses to start a service
// task without all of EVENTS_TABLE, STATE_TABLE and EVENT_BUS_NAME, and the
// notifier without both table names. A name grants nothing; the grants do.
func newFunctions(scope constructs.Construct, cfg Config, tables Tables, bus awsevents.EventBus) Functions {
	events, state := tables.Events, tables.State
	service := map[string]*string{
		EnvEventsTable: events.TableName(), EnvStateTable: state.TableName(), EnvEventBusName: bus.EventBusName(),
	}
	fs := Functions{
		Validate: newFunction(scope, "Validate", TaskValidate, cfg, service),
		Persist:  newFunction(scope, "Persist", TaskPersist, cfg, service),
		Publish:  newFunction(scope, "Publish", TaskPublish, cfg, service),
		Fold:     newFunction(scope, "Fold", TaskFold, cfg, service),
		Read:     newFunction(scope, "Read", TaskRead, cfg, service),
		Notify: newFunction(scope, "Notify", TaskNotify, cfg, map[string]*string{
			EnvEventsTable: events.TableName(), EnvStateTable: state.TableName(),
		}),
	}
	events.GrantReadData(fs.Validate)
	events.GrantReadWriteData(fs.Persist)
	bus.GrantPutEventsTo(fs.Publish, nil)
	events.GrantReadData(fs.Fold)
	state.GrantReadWriteData(fs.Fold)
	events.GrantReadData(fs.Read)
	state.GrantReadData(fs.Read)
	events.GrantReadData(fs.Notify)
	return fs
}

// newFunction makes one arm64 provided.al2023 function from the prebuilt
// bootstrap, with X-Ray tracing, its own log group, and a role that may
// write only to that log group until grants add more.
func newFunction(scope constructs.Construct, id, task string, cfg Config, env map[string]*string) awslambda.Function {
	logs := awslogs.NewLogGroup(scope, str(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: cfg.RemovalPolicy,
	})
	role := awsiam.NewRole(scope, str(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(str("lambda.amazonaws.com"), nil),
		Description: str("stepfold " + task + " function"),
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
		Description:  str("stepfold " + task),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      str("bootstrap"),
		Code:         awslambda.Code_FromAsset(str(cfg.LambdaDir), nil),
		MemorySize:   num(256),
		Timeout:      awscdk.Duration_Seconds(num(10)),
		Tracing:      awslambda.Tracing_ACTIVE,
		Role:         role,
		LogGroup:     logs,
		Environment:  &environment,
	})
}
