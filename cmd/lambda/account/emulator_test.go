//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/cmd/lambda/function/functiontest"
	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/internal/lambdarie"
)

// pkg is the bank's Lambda main package, from the module root.
const pkg = "./cmd/lambda/account"

// accountState is the account in the state machine's output.
type accountState struct {
	Account  string `json:"account"`
	Version  int64  `json:"version"`
	Balance  int64  `json:"balance"`
	Currency string `json:"currency"`
	Status   string `json:"status"`
}

// foldResult is the part of the state machine's output checked here.
type foldResult struct {
	accountState
	Events []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"events"`
}

// TestUnderEmulator runs the bootstrap that `make lambdas` builds (for the
// host) behind the Lambda Runtime Interface Emulator, so that a real
// Runtime API invokes it. Each task is a function of its own over the same
// DynamoDB Local tables, as infra deploys them; publish puts its events to
// a PutEvents endpoint served by the test. statemachines.Pipeline runs on
// the interpreter with these functions as its Lambda tasks, so the
// payloads are the ones the state machine sends.
func TestUnderEmulator(t *testing.T) {
	d := functiontest.NewDeployment(t, pkg)
	p := d.Pipeline(t, "account")
	ctx := context.Background()

	t.Run("commands through the state machine", func(t *testing.T) {
		for _, c := range []struct {
			command string
			want    accountState
		}{
			{openCommand, accountState{Account: "acc-1", Version: 1, Currency: "EUR", Status: "open"}},
			{depositCommand, accountState{Account: "acc-1", Version: 2, Balance: 1500, Currency: "EUR", Status: "open"}},
			// The same command again writes nothing and answers as before.
			{depositCommand, accountState{Account: "acc-1", Version: 2, Balance: 1500, Currency: "EUR", Status: "open"}},
		} {
			var got foldResult
			if err := json.Unmarshal(p.Succeed(t, c.command), &got); err != nil {
				t.Fatal(err)
			}
			if got.accountState != c.want || len(got.Events) != 1 || got.Events[0].ID != fmt.Sprintf("acc-1:%d", c.want.Version) {
				t.Errorf("%s: result %+v, want %+v with the one event acc-1:%d", c.command, got, c.want, c.want.Version)
			}
		}
	})

	t.Run("a rejection fails the execution with the error name", func(t *testing.T) {
		name, cause := p.Fail(t, overdraftCommand)
		if name != "InsufficientFunds" {
			t.Fatalf("error %q, want InsufficientFunds", name)
		}
		// The cause is the error document the function returned.
		jsontest.EqualText(t, []byte(cause), inProcessError(t, `{"command":`+overdraftCommand+`}`))
	})

	t.Run("publish put the events on the bus", func(t *testing.T) {
		// The repeated deposit publishes its stored event again, with the
		// same id: delivery is at least once.
		if ids, want := d.Bus.Published(t, "stepfold.accounts"), []string{"acc-1:1", "acc-1:2", "acc-1:2"}; !slices.Equal(ids, want) {
			t.Errorf("published %v, want %v", ids, want)
		}
		if letters := p.DeadLetters.Bodies(); len(letters) != 0 {
			t.Errorf("dead letters: %v", letters)
		}
	})

	t.Run("a rejection is the Lambda error response", func(t *testing.T) {
		tests := []struct{ name, payload, wantType string }{
			{"rule", `{"command":` + overdraftCommand + `}`, "InsufficientFunds"},
			{"payload", `{"command":{"type":"Deposit","accountId":"acc-1","commandId":"c-4","amount":"lots"}}`, "InvalidCommand"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out, err := p.Functions["validate"].Invoke(ctx, []byte(tt.payload))
				fe, ok := errors.AsType[*lambdarie.FunctionError](err)
				if !ok || fe.Type != tt.wantType {
					t.Fatalf("Invoke = %s, %v; want the function error %s", out, err, tt.wantType)
				}
				jsontest.EqualText(t, fe.Payload, inProcessError(t, tt.payload))
			})
		}
	})

	t.Run("read answers API Gateway", func(t *testing.T) {
		out, err := d.Function(t, "read").Invoke(ctx, functiontest.Fixture(t, readRequest))
		if err != nil {
			t.Fatal(err)
		}
		jsontest.EqualText(t, functiontest.WithoutRequestID(t, out), functiontest.Fixture(t, readWant))
	})

	t.Run("notify tells the holder once", func(t *testing.T) {
		f := d.Function(t, "notify")
		for range 2 {
			if out, err := f.Invoke(ctx, functiontest.Fixture(t, "testdata/eventbridge-withdrawn.json")); err != nil || string(out) != "null" {
				t.Fatalf("Invoke = %s, %v; want null", out, err)
			}
		}
		if n := strings.Count(f.Log(), "12.34 EUR was withdrawn from account acc-1"); n != 1 {
			t.Errorf("logged the withdrawal %d times, want once:\n%s", n, f.Log())
		}
	})

	for task, f := range p.Functions {
		if d, ok := f.InitDuration(); !ok || d <= 0 {
			t.Errorf("%s: no init duration in the emulator's log", task)
		}
	}
}

// TestSetupFailureUnderEmulator starts the bootstrap with a task it does
// not serve: it exits before it asks for an invocation, which Lambda
// reports as Runtime.ExitError, with the reason in the function's log.
func TestSetupFailureUnderEmulator(t *testing.T) {
	lambdarie.Emulator(t)
	bootstrap := lambdarie.Build(t, pkg)
	f := lambdarie.Start(t, bootstrap, map[string]string{function.EnvTask: "deposit"})
	_, err := f.Invoke(context.Background(), []byte(`{}`))
	if re, ok := errors.AsType[*lambdarie.RuntimeError](err); !ok || re.Type != "Runtime.ExitError" {
		t.Errorf("Invoke error = %v, want the runtime to fail with Runtime.ExitError", err)
	}
	want := `stepfold lambda: STEPFOLD_TASK="deposit" is not a task; want one of validate, persist, publish, fold, read, notify`
	if !strings.Contains(f.Log(), want) {
		t.Errorf("the log does not say %q:\n%s", want, f.Log())
	}
}

// inProcessError returns the error document that the validate handler,
// called in-process over an account in the state the commands of
// TestUnderEmulator leave (acc-1, 1500 EUR at version 2), gives for
// payload, as the Lambda runtime sends it.
func inProcessError(t *testing.T, payload string) []byte {
	t.Helper()
	svc, _ := functiontest.Bolt(t, account.Domain{}, openCommand, depositCommand)
	return functiontest.ErrorDocument(t, svc, "validate", payload)
}
