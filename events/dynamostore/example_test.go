package dynamostore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/dynamostore"
)

// Example appends an account's first event and loads it back. Run it with
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
		ID: events.EventID("acc-1", 1), Account: "acc-1", Version: 1,
		Type: events.AccountOpened, SchemaVersion: events.SchemaVersion,
		OccurredAt: time.Now(), CommandID: "c-1", Data: json.RawMessage(`{"currency":"EUR"}`),
	}
	if _, err := store.Append(ctx, "acc-1", 0, []events.Event{opened}, "c-1", ""); err != nil {
		fmt.Println(err) // a second run reports nothing: the command is a duplicate
	}
	h, err := store.Load(ctx, "acc-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := h.State()
	fmt.Println(st.Account, st.Status, st.Currency)
}
