package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/stepfold/stepfold/tasks"
)

// newPipeline makes the Express state machine that runs one command, and
// the dead-letter queue its failed steps send the command to. The
// definition's substitutions are the task table's: each step's function
// ARN under the step's key, and the queue's URL.
func newPipeline(scope constructs.Construct, p Props, fns map[string]awslambda.Function) (awsstepfunctions.StateMachine, awssqs.Queue) {
	dlq := newDeadLetterQueue(scope, "DeadLetterQueue", "The "+p.Info.Name+" command pipeline's dead-letter queue", p.RemovalPolicy)
	logs := awslogs.NewLogGroup(scope, str("StateMachineLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: p.RemovalPolicy,
	})
	subs := map[string]*string{tasks.DeadLetterSubstitution: dlq.QueueUrl()}
	var invoked []*string
	for _, s := range tasks.Steps() {
		if s.Substitution != "" {
			subs[s.Substitution] = fns[s.Name].FunctionArn()
			invoked = append(invoked, fns[s.Name].FunctionArn())
		}
	}
	sm := awsstepfunctions.NewStateMachine(scope, str("StateMachine"), &awsstepfunctions.StateMachineProps{
		Comment:                 str("stepfold " + p.Info.Name + " command pipeline"),
		StateMachineType:        awsstepfunctions.StateMachineType_EXPRESS,
		DefinitionBody:          awsstepfunctions.DefinitionBody_FromString(str(p.Definition)),
		DefinitionSubstitutions: &subs,
		Role:                    stateMachineRole(scope, p, invoked, dlq),
		Logs: &awsstepfunctions.LogOptions{
			Destination:          logs,
			Level:                awsstepfunctions.LogLevel_ALL,
			IncludeExecutionData: jsii.Bool(true),
		},
		TracingEnabled: jsii.Bool(true),
	})
	return sm, dlq
}

// stateMachineRole may invoke exactly the functions the definition calls
// (unqualified ARNs, as the definition names them) and send to the
// dead-letter queue. The construct adds the log-delivery and X-Ray
// statements that logging and tracing need.
func stateMachineRole(scope constructs.Construct, p Props, invoked []*string, dlq awssqs.Queue) awsiam.Role {
	role := awsiam.NewRole(scope, str("StateMachineRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(str("states.amazonaws.com"), nil),
		Description: str("stepfold " + p.Info.Name + " state machine"),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   strs("lambda:InvokeFunction"),
		Resources: &invoked,
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   strs("sqs:SendMessage"),
		Resources: &[]*string{dlq.QueueArn()},
	}))
	return role
}
