package function_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/cmd/lambda/function/functiontest"
	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/tasks"
)

// The commands that bring acc-1 to 1500 EUR at version 2.
const (
	openCommand    = `{"type":"OpenAccount","accountId":"acc-1","commandId":"c-1","currency":"EUR"}`
	depositCommand = `{"type":"Deposit","accountId":"acc-1","commandId":"c-2","amount":1500}`
)

// bank returns the bank's tasks over bbolt, holding acc-1 with 1500 EUR at
// version 2, all at functiontest.Now.
func bank(t *testing.T) *tasks.Service[account.State, account.Command] {
	t.Helper()
	svc, _ := functiontest.Bolt(t, account.Domain{}, openCommand, depositCommand)
	return svc
}

// TestHandlers invokes each kind of task's handler, as the Lambda runtime
// does, with a real payload from testdata, and compares the JSON it
// returns: a step's decision, the fold's reply, and the read API's answer
// to an API Gateway proxy event.
func TestHandlers(t *testing.T) {
	tests := []struct{ task, payload, want string }{
		{"validate", "validate-payload.json", "validate-want.json"},
		{"fold", "fold-payload.json", "fold-want.json"},
		{"read", "read-request.json", "read-want.json"},
	}
	for _, tt := range tests {
		t.Run(tt.task, func(t *testing.T) {
			h, err := function.HandlerFor(account.Domain{}.Info(), tt.task, bank(t))
			if err != nil {
				t.Fatal(err)
			}
			out, err := h.Invoke(context.Background(), functiontest.Fixture(t, "testdata/"+tt.payload))
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if tt.task == "read" {
				out = functiontest.WithoutRequestID(t, out)
			}
			jsontest.EqualText(t, out, functiontest.Fixture(t, "testdata/"+tt.want))
		})
	}
}

// TestHandlerErrorType checks that a rejection reaches the runtime as a
// Lambda error whose type is the domain's code, with the rule's message.
func TestHandlerErrorType(t *testing.T) {
	h, err := function.HandlerFor(account.Domain{}.Info(), "validate", bank(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Invoke(context.Background(), []byte(`{"command":{"type":"Withdraw","accountId":"acc-1","commandId":"c-3","amount":9999}}`))
	ie, ok := errors.AsType[messages.InvokeResponse_Error](err)
	if !ok || ie.Type != "InsufficientFunds" || ie.Message != "account acc-1 holds 15.00 EUR; cannot withdraw 99.99 EUR" {
		t.Errorf("Invoke error = %#v, want InsufficientFunds with the rule's message", err)
	}
}

// lambdaEnv is what Lambda and infra give a function of the bank, with
// task as its STEPFOLD_TASK.
func lambdaEnv(task string) map[string]string {
	return map[string]string{function.EnvTask: task, function.EnvEventsTable: "events", function.EnvStateTable: "state",
		function.EnvEventBus: "bus", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
}

// notify is a subscriber that records the store it was given and returns
// its own handler, or fails with err.
type notify struct {
	h     lambda.Handler
	err   error
	store events.EventStore
}

func (n *notify) subscriber() function.Subscriber {
	return function.Subscriber{Name: "notify", New: func(store events.EventStore) (lambda.Handler, error) {
		n.store = store
		return n.h, n.err
	}}
}

// TestSetupTask checks the task names Setup serves: the task table's, then
// the subscribers', exactly; anything else is refused with the list,
// before any variable besides STEPFOLD_TASK is read.
func TestSetupTask(t *testing.T) {
	tests := []struct {
		task string
		want string // "" for accepted, else a fragment of the error
	}{
		{"validate", ""}, {"persist", ""}, {"publish", ""}, {"fold", ""}, {"read", ""}, {"notify", ""},
		{"", `STEPFOLD_TASK="" is not a task; want one of validate, persist, publish, fold, read, notify`},
		{"Validate", `"Validate" is not a task`},
		{"deposit", `"deposit" is not a task`},
	}
	for _, tt := range tests {
		t.Run(tt.task, func(t *testing.T) {
			n := &notify{h: lambda.NewHandler(func() {})}
			env := lambdaEnv(tt.task)
			if tt.want != "" {
				env = map[string]string{function.EnvTask: tt.task}
			}
			h, err := function.Setup(account.Domain{}, func(k string) string { return env[k] }, n.subscriber())
			if tt.want == "" {
				if err != nil || h == nil {
					t.Fatalf("Setup = %v, %v; want a handler", h, err)
				}
				return
			}
			if h != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Setup = %v, %v; want the error %q", h, err, tt.want)
			}
		})
	}
}

// TestSetupWithoutSubscribers names only the task table's tasks.
func TestSetupWithoutSubscribers(t *testing.T) {
	env := lambdaEnv("notify")
	_, err := function.Setup(account.Domain{}, func(k string) string { return env[k] })
	if want := `STEPFOLD_TASK="notify" is not a task; want one of validate, persist, publish, fold, read`; err == nil || err.Error() != want {
		t.Errorf("Setup error = %v, want %q", err, want)
	}
	if got, want := strings.Join(function.TaskNames(), ","), "validate,persist,publish,fold,read"; got != want {
		t.Errorf("TaskNames() = %s, want %s", got, want)
	}
}

// TestSetupSubscriber checks that a subscriber's task gets the
// subscriber's own handler, built over the event log, with no bus needed;
// and that its failure is Setup's.
func TestSetupSubscriber(t *testing.T) {
	env := lambdaEnv("notify")
	delete(env, function.EnvEventBus)
	getenv := func(k string) string { return env[k] }
	n := &notify{h: lambda.NewHandler(func() {})}
	h, err := function.Setup(account.Domain{}, getenv, n.subscriber())
	if err != nil || h != n.h || n.store == nil {
		t.Errorf("Setup = %v, %v with the store %v; want the subscriber's handler over the event log", h, err, n.store)
	}
	failing := &notify{err: errors.New("no sink")}
	if h, err := function.Setup(account.Domain{}, getenv, failing.subscriber()); h != nil || err == nil || err.Error() != "no sink" {
		t.Errorf("Setup = %v, %v; want the subscriber's error", h, err)
	}
}

// TestSetup builds the real AWS clients from the environment, offline,
// reading nothing but the variables it is given, and names the first
// variable missing.
func TestSetup(t *testing.T) {
	tests := []struct {
		name  string
		task  string
		unset string
		want  string
	}{
		{"everything set", "validate", "", ""},
		{"read", "read", "", ""},
		{"no task", "validate", function.EnvTask, "is not a task"},
		{"no events table", "validate", function.EnvEventsTable, "EVENTS_TABLE is not set"},
		{"no state table", "fold", function.EnvStateTable, "STATE_TABLE is not set"},
		{"no bus", "validate", function.EnvEventBus, "EVENT_BUS_NAME is not set"},
		{"no region", "validate", "AWS_REGION", "AWS_REGION is not set"},
		{"no access key", "validate", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
		{"no secret key", "notify", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
		{"a subscriber with no events table", "notify", function.EnvEventsTable, "EVENTS_TABLE is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := lambdaEnv(tt.task)
			delete(env, tt.unset)
			n := &notify{h: lambda.NewHandler(func() {})}
			h, err := function.Setup(account.Domain{}, func(k string) string { return env[k] }, n.subscriber())
			if tt.want == "" {
				if err != nil || h == nil {
					t.Fatalf("Setup = %v, %v; want a handler", h, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Setup error = %v, want %q", err, tt.want)
			}
		})
	}
}
