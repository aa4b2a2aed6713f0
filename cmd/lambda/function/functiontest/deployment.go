//go:build linux

package functiontest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/aws/dynamostore"
	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/internal/lambdarie"
	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/statemachines/asl"
	"github.com/stepfold/stepfold/tasks"
)

// Values the functions of a Deployment share.
const (
	// BusName is the EVENT_BUS_NAME of every function.
	BusName = "stepfold-test-bus"
	// SessionToken is the role's session token, which PutEvents checks
	// the signature carries.
	SessionToken = "session-token-from-the-role"
	arnPrefix    = "arn:aws:lambda:us-east-1:000000000000:function:stepfold-"
	dlqURL       = "http://127.0.0.1/000000000000/stepfold-dlq"
)

// Deployment is the Lambda side of one domain's stack, run on this
// machine: its bootstrap, one pair of fresh DynamoDB Local tables, a
// PutEvents endpoint, and the environment infra gives every function.
type Deployment struct {
	// Bootstrap is the binary every function runs.
	Bootstrap string
	// Env is the environment every function shares; EnvFor adds a task's.
	Env map[string]string
	// Bus is the EventBridge endpoint the functions publish to.
	Bus *PutEvents
}

// NewDeployment builds the Lambda main package pkg (such as
// "./cmd/lambda/account") for the host with `make lambdas`, creates fresh
// tables in DynamoDB Local and serves PutEvents. It skips tb, or fails it
// when the full test command requires them (STEPFOLD_REQUIRE_RIE=1,
// STEPFOLD_REQUIRE_DYNAMODB=1), without the emulator or DynamoDB Local.
func NewDeployment(tb testing.TB, pkg string) *Deployment {
	tb.Helper()
	lambdarie.Emulator(tb)
	endpoint := dynamoEndpoint(tb)
	d := &Deployment{Bus: &PutEvents{tb: tb}}
	srv := httptest.NewServer(d.Bus)
	tb.Cleanup(srv.Close)
	d.Env = map[string]string{
		"AWS_REGION":                   "us-east-1",
		"AWS_ACCESS_KEY_ID":            "local",
		"AWS_SECRET_ACCESS_KEY":        "local",
		"AWS_SESSION_TOKEN":            SessionToken,
		"AWS_ENDPOINT_URL_DYNAMODB":    endpoint,
		"AWS_ENDPOINT_URL_EVENTBRIDGE": srv.URL,
		function.EnvEventBus:           BusName,
		"AWS_LAMBDA_FUNCTION_TIMEOUT":  "10",
	}
	d.Env[function.EnvEventsTable], d.Env[function.EnvStateTable] = createTables(tb, endpoint)
	d.Bootstrap = lambdarie.Build(tb, pkg)
	return d
}

// Function starts the bootstrap behind an emulator of its own as the
// function of task.
func (d *Deployment) Function(tb testing.TB, task string) *lambdarie.Function {
	tb.Helper()
	return lambdarie.Start(tb, d.Bootstrap, d.EnvFor(task))
}

// EnvFor returns the environment of the function of task.
func (d *Deployment) EnvFor(task string) map[string]string {
	env := map[string]string{function.EnvTask: task, "AWS_LAMBDA_FUNCTION_NAME": "stepfold-" + task}
	for k, v := range d.Env {
		env[k] = v
	}
	return env
}

// Tasks returns the tasks of domain dom in process, over the deployment's
// tables as the functions see them, for a test to prepare the streams or
// to make the payloads the state machine would send.
func Tasks[S any, C events.Command](tb testing.TB, d *Deployment, dom events.Domain[S, C]) *tasks.Service[S, C] {
	tb.Helper()
	st, err := dynamostore.New(dynamoClient(d.Env["AWS_ENDPOINT_URL_DYNAMODB"]), d.Env[function.EnvEventsTable], d.Env[function.EnvStateTable])
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := tasks.New(dom, st, st, &eventstest.Recorder{})
	if err != nil {
		tb.Fatal(err)
	}
	return svc
}

// dynamoEndpoint returns DynamoDB Local's endpoint, or skips tb, or fails
// it when STEPFOLD_REQUIRE_DYNAMODB=1.
func dynamoEndpoint(tb testing.TB) string {
	tb.Helper()
	endpoint := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB")
	if endpoint == "" {
		msg := "DynamoDB Local not running: set AWS_ENDPOINT_URL_DYNAMODB (make test starts it)"
		if os.Getenv("STEPFOLD_REQUIRE_DYNAMODB") == "1" {
			tb.Fatal(msg + " (STEPFOLD_REQUIRE_DYNAMODB=1, so this fails)")
		}
		tb.Skip(msg)
	}
	return endpoint
}

// dynamoClient is a DynamoDB client of DynamoDB Local, with the
// deployment's region and key.
func dynamoClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", SessionToken),
		BaseEndpoint: aws.String(endpoint),
	})
}

// createTables creates fresh events and state tables, named at random,
// and deletes them in tb.Cleanup.
func createTables(tb testing.TB, endpoint string) (string, string) {
	tb.Helper()
	client := dynamoClient(endpoint)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	base := "lambda-rie-" + hex.EncodeToString(b)
	evTable, stTable := base+"-events", base+"-state"
	if err := dynamostore.CreateTables(context.Background(), client, evTable, stTable); err != nil {
		tb.Fatalf("CreateTables: %v", err)
	}
	tb.Cleanup(func() {
		for _, name := range []string{evTable, stTable} {
			if _, err := client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
				tb.Errorf("delete table %s: %v", name, err)
			}
		}
	})
	return evTable, stTable
}

// Pipeline is a domain's state machine on the interpreter, calling the
// functions of a deployment.
type Pipeline struct {
	*asl.Machine
	// Functions are the functions of the pipeline's steps, by task name.
	Functions map[string]*lambdarie.Function
	// DeadLetters keeps what the machine sent to its dead-letter queue.
	DeadLetters *Letters
}

// Pipeline starts a function of d for each step of the task table and
// runs statemachines.Pipeline on the interpreter as the state machine
// stepfold-<name>, with those functions as its Lambda tasks, so the
// payloads the functions get are the ones the state machine sends.
func (d *Deployment) Pipeline(tb testing.TB, name string) *Pipeline {
	tb.Helper()
	text, err := statemachines.Files.ReadFile(statemachines.Pipeline)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Pipeline{Functions: map[string]*lambdarie.Function{}, DeadLetters: &Letters{}}
	subs := map[string]string{tasks.DeadLetterSubstitution: dlqURL}
	invokers := map[string]asl.Invoker{}
	for _, st := range tasks.Steps() {
		if st.Substitution == "" {
			continue
		}
		f := d.Function(tb, st.Name)
		arn := arnPrefix + name + "-" + st.Name
		p.Functions[st.Name], subs[st.Substitution], invokers[arn] = f, arn, emulated{f}
	}
	def, err := asl.Parse(text, subs)
	if err != nil {
		tb.Fatal(err)
	}
	reg := asl.NewRegistry()
	reg.Functions(invokers)
	reg.SQS(p.DeadLetters)
	if p.Machine, err = asl.New(def, asl.WithName("stepfold-"+name), asl.WithResources(reg)); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

// emulated is a function under the emulator as the interpreter's Invoker:
// a function error keeps the error document the runtime sent.
type emulated struct{ f *lambdarie.Function }

func (e emulated) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := e.f.Invoke(ctx, payload)
	if fe, ok := errors.AsType[*lambdarie.FunctionError](err); ok {
		return nil, &asl.FunctionError{Type: fe.Type, Payload: fe.Payload}
	}
	return out, err
}

// Letters keeps what a state machine sends to its dead-letter queue.
type Letters struct {
	mu     sync.Mutex
	bodies []string
}

// SendMessage keeps the message, as "<queue URL> <body>".
func (l *Letters) SendMessage(_ context.Context, url, body string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bodies = append(l.bodies, url+" "+body)
	return "message-1", nil
}

// Bodies returns the messages sent so far.
func (l *Letters) Bodies() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.bodies...)
}
