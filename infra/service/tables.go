package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The key attributes of both tables, as the DynamoDB store reads and
// writes them (aws/dynamostore).
const (
	// KeyStream is the partition key of both tables: the stream id.
	KeyStream = "account"
	// KeyVersion is the sort key of the events table: the event's version.
	KeyVersion = "version"
)

// Tables are the domain's two DynamoDB tables.
type Tables struct {
	// Events is the append-only event log: one item per event, keyed by
	// stream (S) and version (N).
	Events awsdynamodb.Table
	// State is the read model: one item per stream, keyed by stream (S).
	State awsdynamodb.Table
}

func newTables(scope constructs.Construct, p Props) Tables {
	return Tables{
		Events: newTable(scope, "EventsTable", p, &awsdynamodb.Attribute{
			Name: str(KeyVersion), Type: awsdynamodb.AttributeType_NUMBER,
		}),
		State: newTable(scope, "StateTable", p, nil),
	}
}

// newTable makes an on-demand, encrypted table with point-in-time recovery,
// partitioned by stream.
func newTable(scope constructs.Construct, id string, p Props, sortKey *awsdynamodb.Attribute) awsdynamodb.Table {
	return awsdynamodb.NewTable(scope, str(id), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: str(KeyStream), Type: awsdynamodb.AttributeType_STRING},
		SortKey:      sortKey,
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:   awsdynamodb.TableEncryption_AWS_MANAGED,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		RemovalPolicy: p.RemovalPolicy,
	})
}
