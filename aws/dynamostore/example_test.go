package dynamostore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/aws/dynamostore"
	"github.com/stepfold/stepfold/events"
)

// Example appends a stream's first event and loads it back. Run it with
// AWS_ENDPOINT_URL_DYNAMODB pointing at DynamoDB Local (scripts/dynamodb-local.sh
// start), or on AWS with the tables the infra stack creates. It has no
// Output line because it needs a DynamoDB.
func Example() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx) // reads AWS_ENDPOINT_URL_DYNAMODB
	if err != nil {
		fmt.Println(err)
		return
	}
	client := dynamodb.NewFromConfig(cfg)
	if err := dynamostore.CreateTables(ctx, client, "stepfold-events", "stepfold-state"); err != nil {
		fmt.Println(err)
		return
	}
	store, err := dynamostore.New(client, "stepfold-events", "stepfold-state")
	if err != nil {
		fmt.Println(err)
		return
	}
	opened := events.Event{
		ID: events.EventID("acc-1", 1), Stream: "acc-1", Version: 1,
		Type: "AccountOpened", SchemaVersion: 1,
		OccurredAt: time.Now(), CommandID: "c-1", Data: json.RawMessage(`{"currency":"EUR"}`),
	}
	batch := events.Batch{Stream: "acc-1", Events: []events.Event{opened}, CommandID: "c-1"}
	if _, err := store.Append(ctx, batch); err != nil {
		fmt.Println(err) // a second run reports nothing: the command is a duplicate
	}
	h, err := store.Load(ctx, "acc-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Events[0].ID, h.Events[0].Type, string(h.Events[0].Data))
}
