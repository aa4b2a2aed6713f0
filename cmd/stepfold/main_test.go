package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestServe runs the real main and uses every face of the server: the
// account API, the Step Functions API through the SDK, the console, and the
// CLI while the server holds the data directory.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	s := startMain(t, dir)
	u := s.url

	opened := mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	if opened["status"] != "open" || opened["version"] != 1.0 {
		t.Fatalf("open: %v", opened)
	}
	mustCall(t, 200, "POST", u+"/accounts/acc-1/deposits", `{"amount":1500,"reference":"salary"}`, "Idempotency-Key", "dep-1")
	again := mustCall(t, 200, "POST", u+"/accounts/acc-1/deposits", `{"amount":1500,"reference":"salary"}`, "Idempotency-Key", "dep-1")
	if again["balance"] != 1500.0 || again["version"] != 2.0 {
		t.Fatalf("a repeated Idempotency-Key applied the deposit again: %v", again)
	}
	w := mustCall(t, 200, "POST", u+"/accounts/acc-1/withdrawals", `{"amount":500,"currency":"EUR"}`)
	if w["balance"] != 1000.0 {
		t.Fatalf("withdraw: %v", w)
	}
	rej := mustCall(t, 422, "POST", u+"/accounts/acc-1/withdrawals", `{"amount":5000}`)
	if rej["error"] != "InsufficientFunds" || !strings.Contains(rej["message"].(string), "10.00 EUR") {
		t.Fatalf("rejection: %v", rej)
	}
	mustCall(t, 200, "POST", u+"/accounts/acc-1/reversals", `{"eventId":"acc-1:3"}`)
	mustCall(t, 409, "POST", u+"/accounts/acc-1/close", ``)
	got := mustCall(t, 200, "GET", u+"/accounts/acc-1", "")
	if got["balance"] != 1500.0 || got["version"] != 4.0 {
		t.Fatalf("get: %v", got)
	}
	at := mustCall(t, 200, "GET", u+"/accounts/acc-1?asOf=2", "")
	if at["balance"] != 1500.0 || at["version"] != 2.0 {
		t.Fatalf("asOf=2: %v", at)
	}
	page := mustCall(t, 200, "GET", u+"/accounts/acc-1/events?from=2&limit=2", "")
	if evs := page["events"].([]any); len(evs) != 2 || page["next"] != 4.0 {
		t.Fatalf("events page: %v", page)
	}

	checkSDK(t, u)
	checkConsoleServed(t, u)

	code, out, errOut := runCLI(t, context.Background(), nil, "dlq", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "0 message(s)") {
		t.Fatalf("dlq list through the server: %d %q %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, context.Background(), nil, "replay", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "in use by a running server (pid") {
		t.Fatalf("replay on a served data dir: %d %q", code, errOut)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exited with %d:\n%s", code, s.stderr)
	}
	for _, want := range []string{`"msg":"stepfold listening"`, `"executionArn":"arn:aws:states:us-east-1:000000000000:express:stepfold-account:dep-1:`, `"requestId":`, `"msg":"shut down cleanly"`} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("log lacks %s", want)
		}
	}
}

// checkSDK drives the Step Functions API with the real SDK client.
func checkSDK(t *testing.T, base string) {
	t.Helper()
	ctx := context.Background()
	c := newSFN(base, disableHostPrefix)
	sms, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if err != nil || len(sms.StateMachines) != 2 {
		t.Fatalf("ListStateMachines: %v %+v", err, sms)
	}
	machines := map[string]*string{}
	for _, sm := range sms.StateMachines {
		machines[aws.ToString(sm.Name)] = sm.StateMachineArn
	}
	arn := machines["stepfold-account"]
	if arn == nil || machines["stepfold-inventory"] == nil {
		t.Fatalf("state machines %v; want stepfold-account and stepfold-inventory", machines)
	}
	inv, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: machines["stepfold-inventory"],
		Input: aws.String(`{"type":"ReceiveStock","warehouseId":"w-1","commandId":"sdk-w1","sku":"apple","quantity":3}`)})
	if err != nil || inv.Status != types.SyncExecutionStatusSucceeded || !strings.Contains(aws.ToString(inv.Output), `"warehouse":"w-1"`) {
		t.Fatalf("StartSyncExecution on the inventory: %v %+v", err, inv)
	}
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: arn,
		Input: aws.String(`{"type":"Deposit","accountId":"acc-1","commandId":"sdk-1","amount":25}`)})
	if err != nil || out.Status != types.SyncExecutionStatusSucceeded || !strings.Contains(aws.ToString(out.Output), `"balance":1525`) {
		t.Fatalf("StartSyncExecution: %v %+v", err, out)
	}
	list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: arn})
	if err != nil || len(list.Executions) < 7 || aws.ToString(list.Executions[0].ExecutionArn) != aws.ToString(out.ExecutionArn) {
		t.Fatalf("ListExecutions: %v %d", err, len(list.Executions))
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: out.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var entered []string
	for _, e := range h.Events {
		if e.StateEnteredEventDetails != nil {
			entered = append(entered, aws.ToString(e.StateEnteredEventDetails.Name))
		}
	}
	if strings.Join(entered, ",") != "Init,ValidateAndPersist,Validate,Persist,WasPersisted,Publish,Fold,Done" {
		t.Fatalf("states entered: %v", entered)
	}
	checkDefinitionTools(t, c, arn)
}

// checkDefinitionTools runs ValidateStateMachineDefinition on the served
// definition, and TestState on its Validate state, which calls the
// in-process Validate function.
func checkDefinitionTools(t *testing.T, c *sfn.Client, arn *string) {
	t.Helper()
	ctx := context.Background()
	sm, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: sm.Definition})
	if err != nil || v.Result != types.ValidateStateMachineDefinitionResultCodeOk {
		t.Fatalf("ValidateStateMachineDefinition: %v %+v", err, v)
	}
	ts, err := c.TestState(ctx, &sfn.TestStateInput{Definition: sm.Definition, StateName: aws.String("Validate"),
		Input: aws.String(`{"command":{"type":"Deposit","accountId":"acc-1","commandId":"sdk-2","amount":5},"round":1}`)})
	if err != nil || ts.Status != types.TestExecutionStatusSucceeded || aws.ToString(ts.NextState) != "Persist" ||
		!strings.Contains(aws.ToString(ts.Output), `"decision":{"events":[{`) {
		t.Fatalf("TestState of Validate: %v %+v %s", err, ts, aws.ToString(ts.Cause))
	}
}

func checkConsoleServed(t *testing.T, base string) {
	t.Helper()
	for path, want := range map[string]string{"/console/": "<svg id=\"graph\"", "/console/app.js": "GetExecutionHistory", "/console/style.css": "g.state"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d, body lacks %q", path, resp.StatusCode, want)
		}
	}
}

// TestBadInput sends each kind of bad request and checks the status, the
// error body and that nothing was written.
func TestBadInput(t *testing.T) {
	a, u := newTestApp(t, t.TempDir(), nil)
	mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	mustCall(t, 200, "POST", u+"/accounts/acc-1/deposits", `{"amount":100}`)
	before := dump(t, a)
	tests := []struct {
		name, method, path, body string
		status                   int
		code, message            string
	}{
		{"malformed JSON", "POST", "/accounts/acc-1/deposits", `{"amount":`, 400, "InvalidCommand", "malformed JSON"},
		{"not an object", "POST", "/accounts/acc-1/deposits", `[1]`, 400, "InvalidCommand", "must be a JSON object"},
		{"trailing data", "POST", "/accounts/acc-1/deposits", `{"amount":5} {"amount":5}`, 400, "InvalidCommand", "nothing after it"},
		{"empty body", "POST", "/accounts/acc-1/deposits", ``, 400, "InvalidCommand", "body is empty"},
		{"unknown field", "POST", "/accounts/acc-1/deposits", `{"amount":5,"amont":5}`, 400, "InvalidCommand", `unknown field "amont"`},
		{"wrong type", "POST", "/accounts/acc-1/deposits", `{"amount":"5"}`, 400, "InvalidCommand", "amount must be a number"},
		{"fractional amount", "POST", "/accounts/acc-1/deposits", `{"amount":1.5}`, 400, "InvalidCommand", "whole number"},
		{"overflowing amount", "POST", "/accounts/acc-1/deposits", `{"amount":9223372036854775808}`, 400, "InvalidCommand", "fits in 64 bits"},
		{"negative amount", "POST", "/accounts/acc-1/withdrawals", `{"amount":-5}`, 400, "InvalidCommand", "positive"},
		{"zero amount", "POST", "/accounts/acc-1/deposits", `{"amount":0}`, 400, "InvalidCommand", "positive"},
		{"missing amount", "POST", "/accounts/acc-1/deposits", `{}`, 400, "InvalidCommand", "positive"},
		{"body over 256 KiB", "POST", "/accounts/acc-1/deposits", `{"amount":5,"reference":"` + strings.Repeat("x", 300*1024) + `"}`, 413, "InvalidCommand", "over the limit"},
		{"reference too long", "POST", "/accounts/acc-1/deposits", `{"amount":5,"reference":"` + strings.Repeat("x", 300) + `"}`, 400, "InvalidCommand", "reference"},
		{"bad currency", "POST", "/accounts", `{"accountId":"acc-2","currency":"euro"}`, 400, "InvalidCommand", "ISO 4217"},
		{"currency mismatch", "POST", "/accounts/acc-1/deposits", `{"amount":5,"currency":"USD"}`, 422, "CurrencyMismatch", "EUR"},
		{"bad occurredAt", "POST", "/accounts/acc-1/deposits", `{"amount":5,"occurredAt":"yesterday"}`, 400, "InvalidCommand", "RFC 3339"},
		{"unknown account", "POST", "/accounts/nobody/deposits", `{"amount":5}`, 404, "AccountNotFound", "nobody"},
		{"unknown account read", "GET", "/accounts/nobody", ``, 404, "AccountNotFound", "nobody"},
		{"bad account id", "POST", "/accounts/bad%20id/deposits", `{"amount":5}`, 400, "InvalidCommand", "accountId"},
		{"bad account id read", "GET", "/accounts/bad%20id", ``, 400, "InvalidCommand", "account id"},
		{"bad id in open", "POST", "/accounts", `{"accountId":"a:b","currency":"EUR"}`, 400, "InvalidCommand", "accountId"},
		{"bad reversal id", "POST", "/accounts/acc-1/reversals", `{"eventId":"nope"}`, 400, "InvalidCommand", "eventId"},
		{"unknown transaction", "POST", "/accounts/acc-1/reversals", `{"eventId":"acc-1:99"}`, 404, "TransactionNotFound", "acc-1:99"},
		{"account exists", "POST", "/accounts", `{"accountId":"acc-1","currency":"EUR"}`, 409, "AccountAlreadyExists", "acc-1"},
		{"bad asOf", "GET", "/accounts/acc-1?asOf=soon", ``, 400, "InvalidCommand", "asOf"},
		{"bad limit", "GET", "/accounts/acc-1/events?limit=0", ``, 400, "InvalidCommand", "limit"},
		{"bad from", "GET", "/accounts/acc-1/events?from=x", ``, 400, "InvalidCommand", "from"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, tc.method, u+tc.path, tc.body)
			if status != tc.status || body["error"] != tc.code {
				t.Fatalf("status %d error %v, want %d %s (%v)", status, body["error"], tc.status, tc.code, body["message"])
			}
			if msg, _ := body["message"].(string); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q does not mention %q", msg, tc.message)
			}
			if after := dump(t, a); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	for i, key := range []string{"bad key!", strings.Repeat("k", 65)} {
		status, body := call(t, "POST", u+"/accounts/acc-1/deposits", `{"amount":5}`, "Idempotency-Key", key)
		if status != 400 || !strings.Contains(fmt.Sprint(body["message"]), "commandId") {
			t.Errorf("Idempotency-Key %d: %d %v", i, status, body)
		}
	}
	if after := dump(t, a); after != before {
		t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestHelpExitsZero asks every command for its help, which is printed and
// exits 0, while a bad flag still exits 1.
func TestHelpExitsZero(t *testing.T) {
	for _, command := range []string{"serve", "dlq", "replay", "bench"} {
		for _, flag := range []string{"-h", "--help", "-help"} {
			code, _, errOut := runCLI(t, context.Background(), nil, command, flag)
			if code != 0 || !strings.Contains(errOut, "Usage of "+command) || !strings.Contains(errOut, "-data") && command != "bench" {
				t.Errorf("%s %s: exit %d\n%s", command, flag, code, errOut)
			}
		}
		if code, _, _ := runCLI(t, context.Background(), nil, command, "--no-such-flag"); code != 1 {
			t.Errorf("%s --no-such-flag: exit %d, want 1", command, code)
		}
	}
	_, _, errOut := runCLI(t, context.Background(), nil, "serve", "-h")
	for _, want := range []string{"-allow-remote", "-allow-host", "-allow-origin", "-idle-timeout", "-read-timeout", "-max-conns"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("serve -h does not list %s", want)
		}
	}
}
