package service

import (
	"encoding/json"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/infra/internal/cfntest"
)

var (
	mustJSON  = cfntest.MustJSON
	jsonEqual = cfntest.JSONEqual
)

func parseJSON(t *testing.T, s string) any {
	t.Helper()
	return cfntest.ParseJSON(t, s)
}

// startInput renders the request template and returns the command that
// StartSyncExecution would receive as its input, decoded.
func startInput(t *testing.T, info events.Info, r events.Route, req vtlRequest) map[string]any {
	t.Helper()
	_, out := render(t, requestTemplate(info, r, "arn:aws:states:eu-west-1:123456789012:stateMachine:sm"), req)
	var body struct {
		StateMachineArn string `json:"stateMachineArn"`
		Input           string `json:"input"`
	}
	if err := json.Unmarshal([]byte(out), &body); err != nil {
		t.Fatalf("request template output is not JSON: %v\n%s", err, out)
	}
	if body.StateMachineArn != "arn:aws:states:eu-west-1:123456789012:stateMachine:sm" {
		t.Errorf("stateMachineArn = %q", body.StateMachineArn)
	}
	var cmd map[string]any
	if err := json.Unmarshal([]byte(body.Input), &cmd); err != nil {
		t.Fatalf("input is not JSON: %v\n%s", err, body.Input)
	}
	return cmd
}

func TestRequestTemplateBuildsTheBankCommand(t *testing.T) {
	tricky := "it's \"quoted\" \\ / <ünï> \U0001F600\n"
	for _, tc := range []struct {
		name    string
		command string
		req     vtlRequest
		want    map[string]any
	}{
		{"deposit", "Deposit", vtlRequest{
			body:    `{"amount": 1500, "currency": "EUR", "reference": ` + mustJSON(tricky) + `, "occurredAt": "2026-11-23T10:00:00Z"}`,
			headers: map[string]string{"Idempotency-Key": "c-42"}, path: map[string]string{"id": "acc-1"}, requestID: "req-9",
		}, map[string]any{"type": "Deposit", "accountId": "acc-1", "commandId": "c-42", "correlationId": "req-9",
			"amount": 1500, "currency": "EUR", "reference": tricky, "occurredAt": "2026-11-23T10:00:00Z"}},
		{"no key: the request id", "Withdraw", vtlRequest{
			body: `{"amount": 7}`, path: map[string]string{"id": "acc-1"}, requestID: "req-10",
		}, map[string]any{"type": "Withdraw", "accountId": "acc-1", "commandId": "req-10", "correlationId": "req-10", "amount": 7}},
		{"lower-case header", "CloseAccount", vtlRequest{
			body: `{}`, headers: map[string]string{"idempotency-key": "close-1"}, path: map[string]string{"id": "acc-1"}, requestID: "r",
		}, map[string]any{"type": "CloseAccount", "accountId": "acc-1", "commandId": "close-1", "correlationId": "r"}},
		{"hostile strings stay strings", "ReverseTransaction", vtlRequest{
			body:    `{"eventId": "acc-1:2", "type": "OpenAccount", "accountId": "other", "amount": {"x": "\",\"type\":\"Deposit"}}`,
			headers: map[string]string{"Idempotency-Key": `k"},"type":"X`}, path: map[string]string{"id": `a'b"c`}, requestID: "r",
		}, map[string]any{"type": "ReverseTransaction", "accountId": `a'b"c`, "commandId": `k"},"type":"X`, "correlationId": "r",
			"eventId": "acc-1:2", "amount": map[string]any{"x": `","type":"Deposit`}}},
		{"open takes the id from the body", "OpenAccount", vtlRequest{
			body: `{"accountId": "acc-9", "currency": "EUR"}`, headers: map[string]string{"Idempotency-Key": "o-1"}, requestID: "r",
		}, map[string]any{"type": "OpenAccount", "accountId": "acc-9", "commandId": "o-1", "correlationId": "r", "currency": "EUR"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := startInput(t, bank, route(t, bank, tc.command), tc.req)
			if !jsonEqual(got, tc.want) {
				t.Errorf("command = %s\nwant      %s", mustJSON(got), mustJSON(tc.want))
			}
		})
	}
}

// sfnResponse is a StartSyncExecution answer.
func sfnResponse(status, output, errorName, cause string) string {
	m := map[string]any{"executionArn": "arn:aws:states:eu-west-1:1:express:sm:x:y", "status": status}
	if output != "" {
		m["output"] = output
	}
	if errorName != "" {
		m["error"] = errorName
	}
	if cause != "" {
		m["cause"] = cause
	}
	return mustJSON(m)
}

func TestResponseTemplateAnswersTheBank(t *testing.T) {
	output := `{"account":"acc-1","version":2,"balance":1500,"currency":"EUR","status":"open","events":[]}`
	lambdaCause := `{"errorMessage":"balance 10 is less than 20","errorType":"InsufficientFunds","stackTrace":[]}`
	conflict := "Another command changed the account at the same time, five rounds in a row. Nothing was written; retry with the same Idempotency-Key."
	for _, tc := range []struct {
		name, command, body, status string
		want                        any
	}{
		{"open succeeded", "OpenAccount", sfnResponse("SUCCEEDED", output, "", ""), "201", parseJSON(t, output)},
		{"deposit succeeded", "Deposit", sfnResponse("SUCCEEDED", output, "", ""), "200", parseJSON(t, output)},
		{"rejection from a Lambda", "Withdraw", sfnResponse("FAILED", "", "InsufficientFunds", lambdaCause), "422",
			map[string]any{"error": "InsufficientFunds", "message": "balance 10 is less than 20"}},
		{"Fail state with text cause", "Deposit", sfnResponse("FAILED", "", "VersionConflict", conflict), "409",
			map[string]any{"error": "VersionConflict", "message": conflict}},
		{"not found", "CloseAccount", sfnResponse("FAILED", "", "AccountNotFound", `{"errorMessage":"no account \"x\"","errorType":"AccountNotFound"}`), "404",
			map[string]any{"error": "AccountNotFound", "message": `no account "x"`}},
		{"invalid", "Deposit", sfnResponse("FAILED", "", "InvalidCommand", `{"errorMessage":"amount must be positive"}`), "400",
			map[string]any{"error": "InvalidCommand", "message": "amount must be positive"}},
		{"reused key", "Withdraw", sfnResponse("FAILED", "", "IdempotencyKeyReused", `{"errorMessage":"command id k was already used","errorType":"IdempotencyKeyReused"}`), "422",
			map[string]any{"error": "IdempotencyKeyReused", "message": "command id k was already used"}},
		{"dated before the opening", "Deposit", sfnResponse("FAILED", "", "OccurredBeforeOpening", `{"errorMessage":"before account a opened","errorType":"OccurredBeforeOpening"}`), "422",
			map[string]any{"error": "OccurredBeforeOpening", "message": "before account a opened"}},
		{"throttled", "Deposit", sfnResponse("FAILED", "", "Throttled", "busy"), "503", map[string]any{"error": "Throttled", "message": "busy"}},
		{"infrastructure", "Deposit", sfnResponse("FAILED", "", "States.Runtime", "bad path"), "500", map[string]any{"error": "States.Runtime", "message": "bad path"}},
		{"timed out", "Deposit", sfnResponse("TIMED_OUT", "", "", ""), "500", map[string]any{"error": "States.Timeout", "message": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := render(t, responseTemplate(bank, route(t, bank, tc.command)), vtlRequest{body: tc.body})
			if status != tc.status {
				t.Errorf("status = %q, want %s", status, tc.status)
			}
			if got := parseJSON(t, out); !jsonEqual(got, tc.want) {
				t.Errorf("body = %s, want %s", mustJSON(got), mustJSON(tc.want))
			}
		})
	}
}

func TestClientErrorTemplate(t *testing.T) {
	for _, tc := range []struct{ typ, status, errorName string }{
		{"com.amazonaws.swf.service.v2.model#ThrottlingException", "503", "Throttled"},
		{"com.amazonaws.swf.service.v2.model#InvalidExecutionInput", "", "Internal"},
	} {
		status, out := render(t, clientErrorTemplate, vtlRequest{body: mustJSON(map[string]any{"__type": tc.typ, "message": "x"})})
		got, _ := parseJSON(t, out).(map[string]any)
		if status != tc.status || got["error"] != tc.errorName {
			t.Errorf("%s: status %q, body %s; want status %q, error %s", tc.typ, status, out, tc.status, tc.errorName)
		}
	}
}

// TestRequestTemplateBuildsTheInventoryCommand renders the generic route,
// POST /warehouses/{id}/commands, whose body carries the type.
func TestRequestTemplateBuildsTheInventoryCommand(t *testing.T) {
	generic := route(t, warehouse, "")
	for _, tc := range []struct {
		name string
		req  vtlRequest
		want map[string]any
	}{
		{"reserve", vtlRequest{
			body:    `{"type": "Reserve", "sku": "sku-1", "quantity": 2, "reservationId": "r-1", "expiresAt": "2026-12-01T10:00:00Z"}`,
			headers: map[string]string{"Idempotency-Key": "k-1"}, path: map[string]string{"id": "w-1"}, requestID: "req-1",
		}, map[string]any{"type": "Reserve", "warehouseId": "w-1", "commandId": "k-1", "correlationId": "req-1",
			"sku": "sku-1", "quantity": 2, "reservationId": "r-1", "expiresAt": "2026-12-01T10:00:00Z"}},
		{"no type: none in the command, for the domain to refuse", vtlRequest{
			body: `{"sku": "sku-1"}`, path: map[string]string{"id": "w-1"}, requestID: "req-2",
		}, map[string]any{"warehouseId": "w-1", "commandId": "req-2", "correlationId": "req-2", "sku": "sku-1"}},
		{"the body cannot set what the route sets", vtlRequest{
			body:    `{"type": "ReceiveStock", "warehouseId": "other", "commandId": "c", "correlationId": "x", "sku": "\"},\"type\":\"Reserve", "quantity": {"n": 1}}`,
			headers: map[string]string{"Idempotency-Key": `k"}`}, path: map[string]string{"id": `w'"1`}, requestID: "r",
		}, map[string]any{"type": "ReceiveStock", "warehouseId": `w'"1`, "commandId": `k"}`, "correlationId": "r",
			"sku": `"},"type":"Reserve`, "quantity": map[string]any{"n": 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := startInput(t, warehouse, generic, tc.req)
			if !jsonEqual(got, tc.want) {
				t.Errorf("command = %s\nwant      %s", mustJSON(got), mustJSON(tc.want))
			}
		})
	}
}

func TestResponseTemplateAnswersTheInventory(t *testing.T) {
	output := `{"stream":"w-1","version":3,"state":{"warehouse":"w-1"},"events":[]}`
	for _, tc := range []struct {
		name, body, status string
		want               any
	}{
		{"succeeded", sfnResponse("SUCCEEDED", output, "", ""), "200", parseJSON(t, output)},
		{"not enough stock", sfnResponse("FAILED", "", "InsufficientStock", `{"errorMessage":"2 of sku-1 available","errorType":"InsufficientStock"}`), "422",
			map[string]any{"error": "InsufficientStock", "message": "2 of sku-1 available"}},
		{"no such warehouse", sfnResponse("FAILED", "", "WarehouseNotFound", `{"errorMessage":"no warehouse w-9"}`), "404",
			map[string]any{"error": "WarehouseNotFound", "message": "no warehouse w-9"}},
		{"not expired yet", sfnResponse("FAILED", "", "ReservationNotExpired", "not yet"), "409",
			map[string]any{"error": "ReservationNotExpired", "message": "not yet"}},
		{"the bank's code is nothing here", sfnResponse("FAILED", "", "InsufficientFunds", "x"), "500",
			map[string]any{"error": "InsufficientFunds", "message": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := render(t, responseTemplate(warehouse, route(t, warehouse, "")), vtlRequest{body: tc.body})
			if status != tc.status {
				t.Errorf("status = %q, want %s", status, tc.status)
			}
			if got := parseJSON(t, out); !jsonEqual(got, tc.want) {
				t.Errorf("body = %s, want %s", mustJSON(got), mustJSON(tc.want))
			}
		})
	}
}
