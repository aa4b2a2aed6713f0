package dynamostore

import (
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
)

// Environment variables that name the tables, as the Lambda functions get them.
const (
	EnvEventsTable = "EVENTS_TABLE"
	EnvStateTable  = "STATE_TABLE"
)

// MaxEvents is the most events one Append takes: a DynamoDB transaction
// holds at most 100 items, one of which is the command's dedupe item.
const MaxEvents = 99

// Store is the event store and the read-model store over two DynamoDB
// tables. It is safe for concurrent use.
type Store struct {
	db          *dynamodb.Client
	eventsTable string
	stateTable  string
	now         func() time.Time
}

var (
	_ events.EventStore = (*Store)(nil)
	_ events.StateStore = (*Store)(nil)
)

// New returns a Store over the given tables. It does not call DynamoDB; a
// missing table shows up as StoreUnavailable on first use. It returns
// InvalidArgument for a nil client or an empty table name.
func New(client *dynamodb.Client, eventsTable, stateTable string) (*Store, error) {
	switch {
	case client == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "dynamostore: nil DynamoDB client")
	case eventsTable == "":
		return nil, events.Errorf(events.CodeInvalidArgument, "dynamostore: no events table name")
	case stateTable == "":
		return nil, events.Errorf(events.CodeInvalidArgument, "dynamostore: no state table name")
	}
	return &Store{db: client, eventsTable: eventsTable, stateTable: stateTable, now: time.Now}, nil
}

// NewFromEnv returns a Store over the tables named by EVENTS_TABLE and
// STATE_TABLE. It returns InvalidArgument, naming the variable, when one is
// unset or empty.
func NewFromEnv(client *dynamodb.Client) (*Store, error) {
	return newFromLookup(client, os.Getenv)
}

func newFromLookup(client *dynamodb.Client, getenv func(string) string) (*Store, error) {
	for _, name := range []string{EnvEventsTable, EnvStateTable} {
		if getenv(name) == "" {
			return nil, events.Errorf(events.CodeInvalidArgument, "dynamostore: environment variable %s is not set", name)
		}
	}
	return New(client, getenv(EnvEventsTable), getenv(EnvStateTable))
}
