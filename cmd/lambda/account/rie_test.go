//go:build linux

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/aws/dynamostore"
	"github.com/stepfold/stepfold/internal/lambdarie"
	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// Values the functions under the emulator share.
const (
	busName      = "stepfold-test-bus"
	sessionToken = "session-token-from-the-role"
	arnPrefix    = "arn:aws:lambda:us-east-1:000000000000:function:stepfold-"
	dlqURL       = "http://127.0.0.1/000000000000/stepfold-dlq"
)

// deployment is the Lambda side of the stack, run locally: one pair of
// DynamoDB Local tables, a PutEvents endpoint, and the environment that
// infra gives every function.
type deployment struct {
	bootstrap string
	env       map[string]string
	bus       *putEvents
}

// newDeployment builds the bootstrap for the host, creates fresh tables in
// DynamoDB Local and serves PutEvents. It skips (or fails, when the full
// test command requires them) without the emulator or DynamoDB Local.
func newDeployment(t testing.TB) *deployment {
	t.Helper()
	lambdarie.Emulator(t)
	endpoint := dynamoEndpoint(t)
	d := &deployment{bus: &putEvents{t: t}}
	srv := httptest.NewServer(d.bus)
	t.Cleanup(srv.Close)
	d.env = map[string]string{
		envRegion:                      "us-east-1",
		envAccessKeyID:                 "local",
		envSecretAccessKey:             "local",
		envSessionToken:                sessionToken,
		"AWS_ENDPOINT_URL_DYNAMODB":    endpoint,
		"AWS_ENDPOINT_URL_EVENTBRIDGE": srv.URL,
		envEventBus:                    busName,
		"AWS_LAMBDA_FUNCTION_TIMEOUT":  "10",
	}
	d.env[envEventsTable], d.env[envStateTable] = createTables(t, d.env)
	d.bootstrap = lambdarie.Build(t, "./cmd/lambda")
	return d
}

// function starts the bootstrap behind its own emulator as the function of
// task.
func (d *deployment) function(t testing.TB, task string) *lambdarie.Function {
	t.Helper()
	return lambdarie.Start(t, d.bootstrap, d.envFor(task))
}

// envFor returns the environment of the function of task.
func (d *deployment) envFor(task string) map[string]string {
	env := map[string]string{envTask: task, "AWS_LAMBDA_FUNCTION_NAME": "stepfold-" + task}
	for k, v := range d.env {
		env[k] = v
	}
	return env
}

// dynamoEndpoint returns DynamoDB Local's endpoint, or skips t, or fails it
// when STEPFOLD_REQUIRE_DYNAMODB=1.
func dynamoEndpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB")
	if endpoint == "" {
		msg := "DynamoDB Local not running: set AWS_ENDPOINT_URL_DYNAMODB (make test starts it)"
		if os.Getenv("STEPFOLD_REQUIRE_DYNAMODB") == "1" {
			t.Fatal(msg + " (STEPFOLD_REQUIRE_DYNAMODB=1, so this fails)")
		}
		t.Skip(msg)
	}
	return endpoint
}

// createTables creates fresh events and state tables with a client built
// as the bootstrap builds its own, and deletes them in t.Cleanup.
func createTables(t testing.TB, env map[string]string) (string, string) {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	cfg, err := awsConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint(getenv, "DYNAMODB") })
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	base := "lambda-rie-" + hex.EncodeToString(b)
	evTable, stTable := base+"-events", base+"-state"
	if err := dynamostore.CreateTables(context.Background(), client, evTable, stTable); err != nil {
		t.Fatalf("CreateTables: %v", err)
	}
	t.Cleanup(func() {
		for _, name := range []string{evTable, stTable} {
			if _, err := client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
				t.Errorf("delete table %s: %v", name, err)
			}
		}
	})
	return evTable, stTable
}

// putEvents serves EventBridge's PutEvents, as the SDK calls it, and keeps
// the entries. No EventBridge emulator exists; this checks the request the
// real client sends and answers as EventBridge does.
type putEvents struct {
	t       testing.TB
	mu      sync.Mutex
	entries []putEntry
}

// putEntry is one PutEvents entry as the SDK serialises it.
type putEntry struct {
	Source       string
	DetailType   string
	Detail       string
	EventBusName string
	Time         json.Number
	Resources    []string
}

func (p *putEvents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if problem := p.check(r); problem != "" {
		p.t.Errorf("PutEvents request: %s", problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	var in struct{ Entries []putEntry }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		p.t.Errorf("PutEvents body %s: %v", body, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	results := make([]map[string]string, len(in.Entries))
	for i, e := range in.Entries {
		results[i] = map[string]string{"EventId": fmt.Sprintf("event-%d", len(p.entries))}
		p.entries = append(p.entries, e)
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"FailedEntryCount": 0, "Entries": results})
}

// check returns what is wrong with a PutEvents request, or "": the target,
// and a SigV4 signature with the role's key and session token.
func (p *putEvents) check(r *http.Request) string {
	switch {
	case r.Method != http.MethodPost:
		return "method " + r.Method
	case r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents":
		return "target " + r.Header.Get("X-Amz-Target")
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=local/"):
		return "authorization " + r.Header.Get("Authorization")
	case r.Header.Get("X-Amz-Security-Token") != sessionToken:
		return "security token " + r.Header.Get("X-Amz-Security-Token")
	}
	return ""
}

// received returns the entries put so far.
func (p *putEvents) received() []putEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]putEntry(nil), p.entries...)
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

// letters keeps what the state machine sends to its dead-letter queue.
type letters struct {
	mu     sync.Mutex
	bodies []string
}

func (l *letters) SendMessage(_ context.Context, url, body string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bodies = append(l.bodies, url+" "+body)
	return "message-1", nil
}

// accountMachine runs statemachines/account.asl.json on the interpreter
// with the four task functions as its Lambda functions.
func accountMachine(t *testing.T, fns map[string]*lambdarie.Function, dlq *letters) *asl.Machine {
	t.Helper()
	text, err := statemachines.Files.ReadFile(statemachines.Account)
	if err != nil {
		t.Fatal(err)
	}
	subs := map[string]string{"DeadLetterQueueUrl": dlqURL} // ValidateFunctionArn and the like
	invokers := map[string]asl.Invoker{}
	for task, f := range fns {
		subs[strings.ToUpper(task[:1])+task[1:]+"FunctionArn"] = arnPrefix + task
		invokers[arnPrefix+task] = emulated{f}
	}
	def, err := asl.Parse(text, subs)
	if err != nil {
		t.Fatal(err)
	}
	reg := asl.NewRegistry()
	reg.Functions(invokers)
	reg.SQS(dlq)
	m, err := asl.New(def, asl.WithName("stepfold-account"), asl.WithResources(reg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}
