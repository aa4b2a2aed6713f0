package dynamostore

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stepfold/stepfold/events"
)

// tableWait bounds how long CreateTables waits for a table to be active.
const tableWait = 2 * time.Minute

// CreateTables creates the events and state tables with on-demand capacity
// and waits until both are active. A table that already exists is left as
// it is. It is meant for tests and local setup; on AWS the infra stack owns
// the tables. Failures are *events.Error (StoreUnavailable, Internal).
func CreateTables(ctx context.Context, client *dynamodb.Client, eventsTable, stateTable string) error {
	if client == nil || eventsTable == "" || stateTable == "" {
		return events.Errorf(events.CodeInvalidArgument, "dynamostore: CreateTables needs a client and two table names")
	}
	tables := []*dynamodb.CreateTableInput{eventsTableInput(eventsTable), stateTableInput(stateTable)}
	for _, in := range tables {
		_, err := client.CreateTable(ctx, in)
		var inUse *types.ResourceInUseException
		if err != nil && !errors.As(err, &inUse) {
			return storeErr("create table "+*in.TableName, err)
		}
	}
	waiter := dynamodb.NewTableExistsWaiter(client)
	for _, in := range tables {
		err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: in.TableName}, tableWait)
		if err != nil {
			return storeErr("wait for table "+*in.TableName, err)
		}
	}
	return nil
}

func eventsTableInput(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(attrStream), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrVersion), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrStream), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(attrVersion), KeyType: types.KeyTypeRange},
		},
	}
}

func stateTableInput(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(attrStream), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrStream), KeyType: types.KeyTypeHash},
		},
	}
}
