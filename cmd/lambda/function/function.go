// Package function is a domain's AWS Lambda binary. One bootstrap serves
// every function of the domain; the environment variable STEPFOLD_TASK
// picks what it serves:
//
//	validate, persist, publish, fold  the steps of the domain's state machine (tasks.Steps)
//	read                              the read API behind API Gateway (httpapi, through tasks/lambdafn)
//	<subscriber>                      a subscriber the domain brings, as an EventBridge target
//
// It reads the DynamoDB tables from EVENTS_TABLE and STATE_TABLE and the
// EventBridge bus from EVENT_BUS_NAME, and builds its AWS clients once,
// before serving the first request. A domain's main is one line:
//
//	func main() { function.Main(inventory.Domain{}) }
//
// Build it with `make lambdas`.
package function

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ebsdk "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/stepfold/stepfold/aws/dynamostore"
	"github.com/stepfold/stepfold/aws/eventbridge"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

// Environment variables the binary reads.
const (
	EnvTask        = "STEPFOLD_TASK"
	EnvEventsTable = "EVENTS_TABLE"
	EnvStateTable  = "STATE_TABLE"
	EnvEventBus    = "EVENT_BUS_NAME"
)

// Subscriber is a function a domain brings beside its tasks, such as the
// bank's notifier: an EventBridge target that reads the domain's event
// log.
type Subscriber struct {
	// Name is its STEPFOLD_TASK value.
	Name string
	// New builds its handler over the domain's event log.
	New func(store events.EventStore) (lambda.Handler, error)
}

// Main serves, as a Lambda function, the task of d that STEPFOLD_TASK
// names, or one of its subscribers. It does not return; a setup that
// fails exits 1 with the reason, which Lambda logs as the init error.
func Main[S any, C events.Command](d events.Domain[S, C], subs ...Subscriber) {
	h, err := Setup(d, os.Getenv, subs...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stepfold lambda:", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// Setup checks the task name, builds the AWS clients and the domain's
// tasks over them, and returns the handler of the task.
func Setup[S any, C events.Command](d events.Domain[S, C], getenv func(string) string, subs ...Subscriber) (lambda.Handler, error) {
	task := getenv(EnvTask)
	if err := checkTask(task, subs); err != nil {
		return nil, err
	}
	for _, s := range subs {
		if s.Name == task {
			store, _, err := openStore(getenv)
			if err != nil {
				return nil, err
			}
			return s.New(store)
		}
	}
	svc, err := newService(d, getenv)
	if err != nil {
		return nil, err
	}
	return handler(d.Info(), task, svc)
}

// service is what the tasks of a domain run on: the four steps and the
// reads. *tasks.Service is one.
type service interface {
	tasks.Pipeline
	httpapi.Reader
}

// handler returns the Lambda handler of one task of the table over svc:
// a step of the pipeline, or the read API behind API Gateway.
func handler(info events.Info, task string, svc service) (lambda.Handler, error) {
	if task == tasks.StepRead {
		api, err := httpapi.New(httpapi.Config{Info: info, Reader: svc})
		if err != nil {
			return nil, err
		}
		return lambda.NewHandler(lambdafn.HTTP(api)), nil
	}
	return lambdafn.Task(task, svc)
}

// TaskNames lists the values of STEPFOLD_TASK a domain's binary serves:
// the task table's, then the subscribers'.
func TaskNames(subs ...Subscriber) []string {
	var names []string
	for _, st := range tasks.Steps() {
		names = append(names, st.Name)
	}
	for _, s := range subs {
		names = append(names, s.Name)
	}
	return names
}

// checkTask rejects a task name this binary does not serve, before any
// AWS client is built.
func checkTask(task string, subs []Subscriber) error {
	if names := TaskNames(subs...); !slices.Contains(names, task) {
		return fmt.Errorf("%s=%q is not a task; want one of %s", EnvTask, task, strings.Join(names, ", "))
	}
	return nil
}

// newService wires the domain's tasks to DynamoDB and EventBridge.
func newService[S any, C events.Command](d events.Domain[S, C], getenv func(string) string) (*tasks.Service[S, C], error) {
	store, cfg, err := openStore(getenv, EnvEventBus)
	if err != nil {
		return nil, err
	}
	client := ebsdk.NewFromConfig(cfg, func(o *ebsdk.Options) {
		if url := endpoint(getenv, "EVENTBRIDGE"); url != nil {
			o.BaseEndpoint = url
		}
	})
	pub, err := eventbridge.New(client, getenv(EnvEventBus), d.Info().Source)
	if err != nil {
		return nil, err
	}
	return tasks.New(d, store, store, pub)
}

// openStore checks that the tables and any other named variables are set,
// builds the AWS configuration from the environment (see awsConfig; the
// endpoint variables are AWS_ENDPOINT_URL_DYNAMODB and
// AWS_ENDPOINT_URL_EVENTBRIDGE, as the SDK names them, not
// AWS_ENDPOINT_URL_EVENTS) and opens the DynamoDB store.
func openStore(getenv func(string) string, more ...string) (*dynamostore.Store, aws.Config, error) {
	for _, name := range append([]string{EnvEventsTable, EnvStateTable}, more...) {
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
	store, err := dynamostore.New(client, getenv(EnvEventsTable), getenv(EnvStateTable))
	return store, cfg, err
}
