package main

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/cmd/lambda/function/functiontest"
	"github.com/stepfold/stepfold/domains/account"
)

// The commands of the tests, as API Gateway's mapping template builds them
// (the state machine's input).
const (
	openCommand      = `{"type":"OpenAccount","accountId":"acc-1","commandId":"c-1","currency":"EUR","occurredAt":"2026-11-23T10:00:00Z"}`
	depositCommand   = `{"type":"Deposit","accountId":"acc-1","commandId":"c-2","amount":1500,"occurredAt":"2026-11-23T10:00:00Z","correlationId":"req-2"}`
	overdraftCommand = `{"type":"Withdraw","accountId":"acc-1","commandId":"c-3","amount":5000}`
)

// TestTaskNames checks what the bank's binary serves: the task table's
// tasks, and its notifier.
func TestTaskNames(t *testing.T) {
	if got, want := function.TaskNames(notifySubscriber()), []string{"validate", "persist", "publish", "fold", "read", "notify"}; !slices.Equal(got, want) {
		t.Errorf("TaskNames = %v, want %v", got, want)
	}
}

// TestNotifier serves a real EventBridge event to the notifier through
// aws-lambda-go, with the currency read from a real event log, and checks
// the notification it logs - twice, because EventBridge may deliver twice
// and the holder must be told once.
func TestNotifier(t *testing.T) {
	_, store := functiontest.Bolt(t, account.Domain{}, openCommand)
	var logged bytes.Buffer
	h, err := notifier(store, slog.New(slog.NewJSONHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	payload := functiontest.Fixture(t, "testdata/eventbridge-withdrawn.json")
	for range 2 {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			t.Fatalf("Invoke: %v", err)
		}
	}
	if n := strings.Count(logged.String(), "12.34 EUR was withdrawn from account acc-1"); n != 1 {
		t.Fatalf("logged the withdrawal %d times, want once:\n%s", n, logged.String())
	}
}

// The fixtures of the bank's handlers, which the read function's answer
// under the emulator must match too.
const (
	readRequest = "../function/testdata/read-request.json"
	readWant    = "../function/testdata/read-want.json"
)
