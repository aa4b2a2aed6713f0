package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// ApplyNag runs the cdk-nag AwsSolutions checks on everything in scope at
// synthesis. Unsuppressed findings of error level fail `cdk synth`.
func ApplyNag(scope constructs.IConstruct) {
	awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}

// Reasons for the findings the design accepts. Each suppression is as
// narrow as cdk-nag allows: one rule, one construct, and for the granular
// IAM rules one finding.
const (
	reasonXRay = "The only wildcard is Resource::* on xray:PutTraceSegments and xray:PutTelemetryRecords, " +
		"which X-Ray tracing needs and which support no resource-level permissions."
	reasonStateMachineDelivery = "The only wildcard is Resource::* on the CloudWatch Logs log-delivery actions and the X-Ray actions " +
		"that Step Functions logging (level ALL) and tracing need; AWS documents that these support no resource-level permissions."
	reasonDeadLetterQueue = "This queue is itself a dead-letter queue (the state machine's or a subscriber rule target's), " +
		"the end of the line for failed work; a DLQ behind it would only move the problem. An alarm fires on its first message."
	reasonCloudWatchRole = "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-managed policy that API Gateway documents " +
		"for its account-level logging role, which access logging needs."
	reasonIAMAuth = "Every method requires IAM (SigV4) authorization: callers are AWS principals (services, operators), " +
		"not end users, so a Cognito user pool authorizer does not apply."
)

func suppress(c constructs.IConstruct, id, reason string, appliesTo ...string) {
	s := &cdknag.NagPackSuppression{Id: str(id), Reason: str(reason)}
	if len(appliesTo) > 0 {
		list := make([]interface{}, len(appliesTo))
		for i, a := range appliesTo {
			list[i] = a
		}
		s.AppliesTo = &list
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// suppressNagFindings records, with its reason, each finding the design
// accepts on what New made. The tests check that each suppressed wildcard
// covers only the actions its reason names. NewAPI suppresses the findings
// on what it makes.
func (s *Service) suppressNagFindings() {
	for _, fn := range s.Functions {
		suppress(fn.Role(), "AwsSolutions-IAM5", reasonXRay, "Resource::*")
	}
	suppress(s.StateMachine.Role(), "AwsSolutions-IAM5", reasonStateMachineDelivery, "Resource::*")
	suppress(s.DeadLetterQueue, "AwsSolutions-SQS3", reasonDeadLetterQueue)
	for _, q := range s.Bus.DeadLetterQueues {
		suppress(q, "AwsSolutions-SQS3", reasonDeadLetterQueue)
	}
	suppress(s.API.Collection, "AwsSolutions-COG4", reasonIAMAuth)
}
