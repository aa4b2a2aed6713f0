package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The DefinitionSubstitutions of statemachines/account.asl.json.
const (
	SubValidateFunctionArn = "ValidateFunctionArn"
	SubPersistFunctionArn  = "PersistFunctionArn"
	SubPublishFunctionArn  = "PublishFunctionArn"
	SubFoldFunctionArn     = "FoldFunctionArn"
	SubDeadLetterQueueURL  = "DeadLetterQueueUrl"
)

// Pipeline is the Express state machine that runs one command, and the
// dead-letter queue its failed steps send the command to.
type Pipeline struct {
	StateMachine    awsstepfunctions.StateMachine
	DeadLetterQueue awssqs.Queue
}

func newPipeline(scope constructs.Construct, cfg Config, fns Functions) Pipeline {
	dlq := newDeadLetterQueue(scope, "DeadLetterQueue", "The command pipeline's dead-letter queue", cfg)
	logs := awslogs.NewLogGroup(scope, str("StateMachineLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: cfg.RemovalPolicy,
	})
	sm := awsstepfunctions.NewStateMachine(scope, str("AccountStateMachine"), &awsstepfunctions.StateMachineProps{
		Comment:          str("stepfold account command pipeline (statemachines/account.asl.json)"),
		StateMachineType: awsstepfunctions.StateMachineType_EXPRESS,
		DefinitionBody:   awsstepfunctions.DefinitionBody_FromString(str(cfg.Definition)),
		DefinitionSubstitutions: &map[string]*string{
			SubValidateFunctionArn: fns.Validate.FunctionArn(),
			SubPersistFunctionArn:  fns.Persist.FunctionArn(),
			SubPublishFunctionArn:  fns.Publish.FunctionArn(),
			SubFoldFunctionArn:     fns.Fold.FunctionArn(),
			SubDeadLetterQueueURL:  dlq.QueueUrl(),
		},
		Role: stateMachineRole(scope, fns, dlq),
		Logs: &awsstepfunctions.LogOptions{
			Destination:          logs,
			Level:                awsstepfunctions.LogLevel_ALL,
			IncludeExecutionData: jsii.Bool(true),
		},
		TracingEnabled: jsii.Bool(true),
	})
	return Pipeline{StateMachine: sm, DeadLetterQueue: dlq}
}

// stateMachineRole may invoke exactly the four task functions (unqualified
// ARNs, as the definition names them) and send to the dead-letter queue.
// The construct adds the log-delivery and X-Ray statements that logging and
// tracing need.
func stateMachineRole(scope constructs.Construct, fns Functions, dlq awssqs.Queue) awsiam.Role {
	role := awsiam.NewRole(scope, str("StateMachineRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(str("states.amazonaws.com"), nil),
		Description: str("stepfold account state machine"),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: strs("lambda:InvokeFunction"),
		Resources: &[]*string{
			fns.Validate.FunctionArn(), fns.Persist.FunctionArn(),
			fns.Publish.FunctionArn(), fns.Fold.FunctionArn(),
		},
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   strs("sqs:SendMessage"),
		Resources: &[]*string{dlq.QueueArn()},
	}))
	return role
}
