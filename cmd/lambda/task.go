package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ebsdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/dynamostore"
	"github.com/stepfold/stepfold/events/eventbridge"
	"github.com/stepfold/stepfold/notify"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

// Environment variables the binary reads.
const (
	envTask        = "STEPFOLD_TASK"
	envEventsTable = "EVENTS_TABLE"
	envStateTable  = "STATE_TABLE"
	envEventBus    = "EVENT_BUS_NAME"
)

// taskNames lists the values of STEPFOLD_TASK, in the order of the docs.
var taskNames = []string{"validate", "persist", "publish", "fold", "read", "notify"}

// setup checks the task name, builds the AWS clients and the service, and
// returns the handler of the task.
func setup(getenv func(string) string) (lambda.Handler, error) {
	task := getenv(envTask)
	if err := checkTask(task); err != nil {
		return nil, err
	}
	if task == "notify" {
		return newNotifier(getenv)
	}
	svc, err := newService(getenv)
	if err != nil {
		return nil, err
	}
	return handlerFor(task, svc)
}

// checkTask rejects a task name this binary does not serve, before any
// AWS client is built.
func checkTask(task string) error {
	if !slices.Contains(taskNames, task) {
		return fmt.Errorf("%s=%q is not a task; want one of %s", envTask, task, strings.Join(taskNames, ", "))
	}
	return nil
}

// newService wires the tasks to DynamoDB and EventBridge.
func newService(getenv func(string) string) (*tasks.Service, error) {
	store, cfg, err := openStore(getenv, envEventBus)
	if err != nil {
		return nil, err
	}
	client := ebsdk.NewFromConfig(cfg, func(o *ebsdk.Options) {
		if url := endpoint(getenv, "EVENTBRIDGE"); url != nil {
			o.BaseEndpoint = url
		}
	})
	pub, err := eventbridge.New(client, getenv(envEventBus))
	if err != nil {
		return nil, err
	}
	return tasks.New(store, store, pub)
}

// openStore checks that the tables and any other named variables are set,
// builds the AWS configuration from the environment (see awsConfig; the
// endpoint variables are AWS_ENDPOINT_URL_DYNAMODB and
// AWS_ENDPOINT_URL_EVENTBRIDGE, as the SDK names them, not
// AWS_ENDPOINT_URL_EVENTS) and opens the DynamoDB store.
func openStore(getenv func(string) string, more ...string) (*dynamostore.Store, aws.Config, error) {
	for _, name := range append([]string{envEventsTable, envStateTable}, more...) {
		if getenv(name) == "" {
			return nil, aws.Config{}, fmt.Errorf("environment variable %s is not set", name)
		}
	}
	cfg, err := awsConfig(getenv)
	if err != nil {
		return nil, aws.Config{}, err
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if url := endpoint(getenv, "DYNAMODB"); url != nil {
			o.BaseEndpoint = url
		}
	})
	store, err := dynamostore.New(client, getenv(envEventsTable), getenv(envStateTable))
	return store, cfg, err
}

// seenCapacity bounds the event ids one notifier instance remembers.
const seenCapacity = 10_000

// newNotifier wires the notify subscriber: it reads each account's
// currency from the events table and logs the notification as JSON.
// EventBridge delivers at least once; the seen-set dedupes redeliveries
// that reach the same instance.
func newNotifier(getenv func(string) string) (lambda.Handler, error) {
	store, _, err := openStore(getenv)
	if err != nil {
		return nil, err
	}
	return notifyHandler(store, slog.New(slog.NewJSONHandler(os.Stdout, nil)))
}

// notifyHandler serves EventBridge events to a notify.Handler.
func notifyHandler(store events.EventStore, log *slog.Logger) (lambda.Handler, error) {
	seen, err := notify.NewMemorySeen(seenCapacity)
	if err != nil {
		return nil, err
	}
	sink, err := notify.NewLogSink(log)
	if err != nil {
		return nil, err
	}
	h, err := notify.NewHandler(notify.FromEventLog(store), seen, sink)
	if err != nil {
		return nil, err
	}
	return lambda.NewHandler(func(ctx context.Context, ev json.RawMessage) error {
		return h.Handle(ctx, ev)
	}), nil
}

// handlerFor returns the Lambda handler of task over svc.
func handlerFor(task string, svc *tasks.Service) (lambda.Handler, error) {
	switch task {
	case "validate":
		return lambdafn.Handler(svc.Validate), nil
	case "persist":
		return lambdafn.Handler(svc.Persist), nil
	case "publish":
		return lambdafn.Handler(svc.Publish), nil
	case "fold":
		return lambdafn.Handler(svc.Fold), nil
	case "read":
		return lambda.NewHandler(lambdafn.Read(svc)), nil
	}
	if err := checkTask(task); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%s=%s has no handler in this build", envTask, task)
}
