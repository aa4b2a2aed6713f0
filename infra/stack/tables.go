package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Tables are the two DynamoDB tables: the append-only event log and the
// folded state of each account.
type Tables struct {
	// Events has key (account S, version N): one item per event.
	Events awsdynamodb.Table
	// State has key (account S): the account's folded state.
	State awsdynamodb.Table
}

func newTables(scope constructs.Construct, cfg Config) Tables {
	return Tables{
		Events: newTable(scope, "EventsTable", cfg, &awsdynamodb.Attribute{
			Name: str("version"), Type: awsdynamodb.AttributeType_NUMBER,
		}),
		State: newTable(scope, "StateTable", cfg, nil),
	}
}

// newTable makes an on-demand, encrypted table with point-in-time recovery,
// partitioned by account.
func newTable(scope constructs.Construct, id string, cfg Config, sortKey *awsdynamodb.Attribute) awsdynamodb.Table {
	return awsdynamodb.NewTable(scope, str(id), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: str("account"), Type: awsdynamodb.AttributeType_STRING},
		SortKey:      sortKey,
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:   awsdynamodb.TableEncryption_AWS_MANAGED,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		RemovalPolicy: cfg.RemovalPolicy,
	})
}
