package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/stepfold/stepfold/local/sfnapi"
)

// strictMachine is the account state machine as the Step Functions API
// names it.
const strictMachine = "arn:aws:states:us-east-1:000000000000:stateMachine:stepfold-account"

// strictPost sends a JSON write to the real server and returns the status
// and body.
func strictPost(t *testing.T, url, body, key string) (int, map[string]any) {
	t.Helper()
	return call(t, "POST", url, body, "Content-Type", "application/json", "Idempotency-Key", key)
}

// strictSFN is a real sfn client pointed at the server.
func strictSFN(base string) *sfn.Client {
	return sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(base),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", ""),
		APIOptions:  []func(*middleware.Stack) error{sfnapi.DisableHostPrefix}})
}

// commandRecorded reports whether the store holds commandID as applied to
// account.
func commandRecorded(t *testing.T, a *app, account, commandID string) bool {
	t.Helper()
	evs, err := bank(a).store.Command(context.Background(), account, commandID, "")
	if err != nil {
		t.Fatalf("Command(%s, %s): %v", account, commandID, err)
	}
	return evs != nil
}

// TestStrictCommandsOverHTTP sends the loose bodies that used to be read
// leniently (a name in another case, a repeated name, invalid UTF-8) and
// checks that each is a 400 InvalidCommand naming the problem, and that
// neither an event nor a command id was written.
func TestStrictCommandsOverHTTP(t *testing.T) {
	a, u := newTestApp(t, t.TempDir(), nil)
	mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`, "Content-Type", "application/json")
	mustCall(t, 200, "POST", u+"/accounts/acc-1/deposits", `{"amount":100}`, "Content-Type", "application/json")
	before := dump(t, a)
	for _, tc := range []struct {
		name, path, body, account, message string
	}{
		{"a name in another case", "/accounts/acc-1/deposits", `{"amount":1,"AMOUNT":1000}`, "acc-1", `unknown field "AMOUNT"; names are case-sensitive: did you mean "amount"?`},
		{"a repeated name", "/accounts/acc-1/deposits", `{"amount":1,"amount":5000}`, "acc-1", `field "amount" appears more than once`},
		{"every name in another case", "/accounts", `{"ACCOUNTID":"x","CURRENCY":"USD"}`, "x", `unknown field "ACCOUNTID"`},
		{"invalid UTF-8", "/accounts/acc-1/deposits", "{\"amount\":1,\"reference\":\"caf\xe9\"}", "acc-1", `field "reference" is not valid UTF-8`},
		{"an escaped lone surrogate", "/accounts/acc-1/withdrawals", `{"amount":1,"reference":"\udc00"}`, "acc-1", `field "reference" is not valid UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "strict-" + strings.ReplaceAll(tc.name, " ", "-")
			status, body := strictPost(t, u+tc.path, tc.body, key)
			msg, _ := body["message"].(string)
			if status != 400 || body["error"] != "InvalidCommand" || !strings.Contains(msg, tc.message) {
				t.Fatalf("%d %v, want 400 InvalidCommand saying %q", status, body, tc.message)
			}
			if after := dump(t, a); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
			if commandRecorded(t, a, tc.account, key) {
				t.Errorf("command %s was recorded", key)
			}
		})
	}
}

// TestStrictCommandsOverStepFunctions starts executions with the real sfn
// client, as anything holding states:StartSyncExecution can on AWS: the
// Validate task reads the command as strictly as the HTTP API does.
func TestStrictCommandsOverStepFunctions(t *testing.T) {
	a, u := newTestApp(t, t.TempDir(), nil)
	mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`, "Content-Type", "application/json")
	before := dump(t, a)
	c := strictSFN(u)
	for _, tc := range []struct {
		name, input, account, commandID, cause string
	}{
		{"an unknown field", `{"type":"Deposit","accountId":"acc-1","commandId":"sfn-1","amount":5,"bogus":1}`, "acc-1", "sfn-1", `unknown field \"bogus\"`},
		{"a name in another case", `{"type":"Deposit","accountId":"acc-1","commandId":"sfn-2","amount":1,"AMOUNT":1000}`, "acc-1", "sfn-2", `unknown field \"AMOUNT\"`},
		{"an open in capitals", `{"type":"OpenAccount","commandId":"sfn-3","ACCOUNTID":"x","CURRENCY":"USD"}`, "x", "sfn-3", `unknown field \"ACCOUNTID\"`},
		{"a fractional amount", `{"type":"Deposit","accountId":"acc-1","commandId":"sfn-4","amount":1.5}`, "acc-1", "sfn-4", "whole number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{
				StateMachineArn: aws.String(strictMachine), Input: aws.String(tc.input)})
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != types.SyncExecutionStatusFailed || aws.ToString(out.Error) != "InvalidCommand" ||
				!strings.Contains(aws.ToString(out.Cause), tc.cause) {
				t.Fatalf("status %s error %q cause %s; want FAILED InvalidCommand with %s",
					out.Status, aws.ToString(out.Error), aws.ToString(out.Cause), tc.cause)
			}
			if after := dump(t, a); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
			if commandRecorded(t, a, tc.account, tc.commandID) {
				t.Errorf("command %s was recorded", tc.commandID)
			}
		})
	}
}

// TestDotIDs checks that "." and "..", which a URL path cannot hold as a
// segment, are refused as account ids, command ids and in event ids, over
// HTTP and through the Step Functions API, and that nothing is written.
func TestDotIDs(t *testing.T) {
	a, u := newTestApp(t, t.TempDir(), nil)
	mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`, "Content-Type", "application/json")
	before := dump(t, a)
	for _, tc := range []struct {
		name, path, body, key, message string
	}{
		{"open ..", "/accounts", `{"accountId":"..","currency":"EUR"}`, "dot-1", `accountId ".."`},
		{"open .", "/accounts", `{"accountId":".","currency":"EUR"}`, "dot-2", `accountId "."`},
		{"the key .", "/accounts/acc-1/deposits", `{"amount":5}`, ".", `commandId "."`},
		{"the key ..", "/accounts/acc-1/deposits", `{"amount":5}`, "..", `commandId ".."`},
		{"reverse ..:1", "/accounts/acc-1/reversals", `{"eventId":"..:1"}`, "dot-3", `eventId "..:1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := strictPost(t, u+tc.path, tc.body, tc.key)
			msg, _ := body["message"].(string)
			if status != 400 || body["error"] != "InvalidCommand" || !strings.Contains(msg, tc.message) {
				t.Fatalf("%d %v, want 400 InvalidCommand naming %s", status, body, tc.message)
			}
			if after := dump(t, a); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	out, err := strictSFN(u).StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{
		StateMachineArn: aws.String(strictMachine), Input: aws.String(`{"type":"OpenAccount","accountId":"..","commandId":"dot-4","currency":"EUR"}`)})
	if err != nil || out.Status != types.SyncExecutionStatusFailed || aws.ToString(out.Error) != "InvalidCommand" {
		t.Fatalf("StartSyncExecution opening ..: %v %+v", err, out)
	}
	if after := dump(t, a); after != before {
		t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestAmountsInMessages checks over HTTP that a rejection shows amounts in
// the account's currency with its ISO 4217 exponent, not as minor units.
func TestAmountsInMessages(t *testing.T) {
	_, u := newTestApp(t, t.TempDir(), nil)
	for _, tc := range []struct{ currency, holds, withdraw string }{
		{"EUR", "10.00 EUR", "50.00 EUR"},
		{"JPY", "1000 JPY", "5000 JPY"},
		{"BHD", "1.000 BHD", "5.000 BHD"},
	} {
		acc := "acc-" + tc.currency
		mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"`+acc+`","currency":"`+tc.currency+`"}`, "Content-Type", "application/json")
		mustCall(t, 200, "POST", u+"/accounts/"+acc+"/deposits", `{"amount":1000}`, "Content-Type", "application/json")
		want := "account " + acc + " holds " + tc.holds + "; cannot withdraw " + tc.withdraw
		if _, body := strictPost(t, u+"/accounts/"+acc+"/withdrawals", `{"amount":5000}`, "w-"+acc); body["message"] != want {
			t.Errorf("withdrawal: %v, want %q", body, want)
		}
		want = "account " + acc + " holds " + tc.holds + "; only a zero balance can be closed"
		if _, body := strictPost(t, u+"/accounts/"+acc+"/close", ``, "c-"+acc); body["message"] != want {
			t.Errorf("close: %v, want %q", body, want)
		}
	}
}

// TestNothingBeforeTheOpening checks that a command dated before its
// account opened is refused, over HTTP and through the Step Functions
// API, with nothing written, and that reads as of a time agree with reads
// as of a version: before the opening there is no account.
func TestNothingBeforeTheOpening(t *testing.T) {
	a, u := newTestApp(t, t.TempDir(), nil)
	mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR","occurredAt":"2026-11-23T10:00:00Z"}`, "Content-Type", "application/json")
	mustCall(t, 200, "POST", u+"/accounts/acc-1/deposits", `{"amount":100,"occurredAt":"2026-11-23T12:00:00Z"}`, "Content-Type", "application/json")
	before := dump(t, a)
	status, body := strictPost(t, u+"/accounts/acc-1/deposits", `{"amount":50,"occurredAt":"2026-11-22T10:00:00Z"}`, "early-1")
	want := "a Deposit dated 2026-11-22T10:00:00Z is before account acc-1 opened, at 2026-11-23T10:00:00Z"
	if status != 422 || body["error"] != "OccurredBeforeOpening" || body["message"] != want {
		t.Fatalf("backdated deposit: %d %v, want 422 OccurredBeforeOpening %q", status, body, want)
	}
	out, err := strictSFN(u).StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(strictMachine),
		Input: aws.String(`{"type":"Withdraw","accountId":"acc-1","commandId":"early-2","amount":5,"occurredAt":"2026-11-23T09:59:59Z"}`)})
	if err != nil || aws.ToString(out.Error) != "OccurredBeforeOpening" {
		t.Fatalf("backdated withdrawal through Step Functions: %v %+v", err, out)
	}
	if after := dump(t, a); after != before {
		t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
	}
	for _, id := range []string{"early-1", "early-2"} {
		if commandRecorded(t, a, "acc-1", id) {
			t.Errorf("command %s was recorded", id)
		}
	}
	if status, body := call(t, "GET", u+"/accounts/acc-1?asOf=2026-11-22T12:00:00Z", ""); status != 404 || !strings.Contains(body["message"].(string), "did not exist yet") {
		t.Errorf("asOf before the opening: %d %v", status, body)
	}
	for asOf, version := range map[string]string{"2026-11-23T11:00:00Z": "1", "2026-11-23T13:00:00Z": "2"} {
		byTime := mustCall(t, 200, "GET", u+"/accounts/acc-1?asOf="+asOf, "")
		byVersion := mustCall(t, 200, "GET", u+"/accounts/acc-1?asOf="+version, "")
		if byTime["balance"] != byVersion["balance"] || byTime["version"] != byVersion["version"] {
			t.Errorf("asOf %s is %v; asOf version %s is %v", asOf, byTime, version, byVersion)
		}
	}
}

// TestReusedIdempotencyKey sends a key again with the same request (the
// first answer, nothing written) and with different ones (422
// IdempotencyKeyReused, nothing written), over HTTP and through the Step
// Functions API.
func TestReusedIdempotencyKey(t *testing.T) {
	a, u := newTestApp(t, t.TempDir(), nil)
	mustCall(t, 201, "POST", u+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`, "Content-Type", "application/json")
	status, first := strictPost(t, u+"/accounts/acc-1/deposits", `{"amount":1500,"reference":"salary"}`, "dep-1")
	if status != 200 || first["version"] != 2.0 {
		t.Fatalf("deposit: %d %v", status, first)
	}
	before := dump(t, a)
	_, again := call(t, "POST", u+"/accounts/acc-1/deposits", `{"reference":"salary","amount":1500}`,
		"Content-Type", "application/json", "Idempotency-Key", "dep-1", "X-Request-Id", "another-request")
	if mustJSON(t, again) != mustJSON(t, first) {
		t.Errorf("the same request again: %v\nwant the first answer %v", again, first)
	}
	for _, tc := range []struct{ name, path, body string }{
		{"a withdrawal", "/accounts/acc-1/withdrawals", `{"amount":1500,"reference":"salary"}`},
		{"another amount", "/accounts/acc-1/deposits", `{"amount":1501,"reference":"salary"}`},
		{"another reference", "/accounts/acc-1/deposits", `{"amount":1500,"reference":"bonus"}`},
		{"a currency added", "/accounts/acc-1/deposits", `{"amount":1500,"reference":"salary","currency":"EUR"}`},
		{"a business time added", "/accounts/acc-1/deposits", `{"amount":1500,"reference":"salary","occurredAt":"2030-01-01T00:00:00Z"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := strictPost(t, u+tc.path, tc.body, "dep-1")
			if status != 422 || body["error"] != "IdempotencyKeyReused" || !strings.Contains(body["message"].(string), "dep-1 was already used on account acc-1 for a different request") {
				t.Fatalf("%d %v, want 422 IdempotencyKeyReused", status, body)
			}
			if after := dump(t, a); after != before {
				t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	c := strictSFN(u)
	for input, want := range map[string]types.SyncExecutionStatus{
		`{"type":"Deposit","accountId":"acc-1","commandId":"dep-1","amount":1500,"reference":"salary","correlationId":"sdk"}`: types.SyncExecutionStatusSucceeded,
		`{"type":"Withdraw","accountId":"acc-1","commandId":"dep-1","amount":1500,"reference":"salary"}`:                      types.SyncExecutionStatusFailed,
	} {
		out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(strictMachine), Input: aws.String(input)})
		if err != nil || out.Status != want {
			t.Fatalf("StartSyncExecution %s: %v %+v", input, err, out)
		}
		if want == types.SyncExecutionStatusFailed && aws.ToString(out.Error) != "IdempotencyKeyReused" {
			t.Errorf("StartSyncExecution %s: error %s", input, aws.ToString(out.Error))
		}
		if want == types.SyncExecutionStatusSucceeded && !strings.Contains(aws.ToString(out.Output), `"version":2`) {
			t.Errorf("StartSyncExecution %s: output %s, want the first answer", input, aws.ToString(out.Output))
		}
	}
	if after := dump(t, a); after != before {
		t.Errorf("the store changed:\nbefore %s\nafter  %s", before, after)
	}
}
