package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// newDeadLetterQueue makes an encrypted, TLS-only queue that keeps messages
// for 14 days (the SQS maximum), and an alarm that fires as soon as one
// message is visible in it: a message there is work that needs a person.
func newDeadLetterQueue(scope constructs.Construct, id, what string, removal awscdk.RemovalPolicy) awssqs.Queue {
	q := awssqs.NewQueue(scope, str(id), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(num(14)),
		RemovalPolicy:   removal,
	})
	metric := q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period:    awscdk.Duration_Minutes(num(1)),
		Statistic: str("Maximum"),
	})
	metric.CreateAlarm(scope, str(id+"NotEmpty"), &awscloudwatch.CreateAlarmOptions{
		AlarmDescription:   str(what + " has messages: inspect and redrive them."),
		Threshold:          num(0),
		EvaluationPeriods:  num(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	return q
}
