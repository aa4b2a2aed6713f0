package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type discard struct{}

func (discard) Publish(context.Context, []events.Event) error { return nil }

// boltService returns a service over a bbolt store holding acc-1 with 1500
// EUR at version 2, all at t0.
func boltService(t *testing.T) *tasks.Service {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "db"), boltstore.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc, err := tasks.New(st, st, discard{}, tasks.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []events.Command{
		{Type: events.OpenAccount, AccountID: "acc-1", CommandID: "c-1", Currency: "EUR"},
		{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-2", Amount: 1500},
	} {
		if _, err := taskstest.Run(ctx, svc, c); err != nil {
			t.Fatal(err)
		}
	}
	return svc
}

// TestHandlers invokes each task's handler, as the Lambda runtime does,
// with a real payload from testdata and compares the JSON it returns.
func TestHandlers(t *testing.T) {
	tests := []struct{ task, payload, want string }{
		{"validate", "validate-payload.json", "validate-want.json"},
		{"fold", "fold-payload.json", "fold-want.json"},
		{"read", "read-request.json", "read-want.json"},
	}
	for _, tt := range tests {
		t.Run(tt.task, func(t *testing.T) {
			h, err := handlerFor(tt.task, boltService(t))
			if err != nil {
				t.Fatal(err)
			}
			out, err := h.Invoke(context.Background(), readFile(t, tt.payload))
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			jsontest.EqualText(t, out, readFile(t, tt.want))
		})
	}
}

func TestHandlerErrorType(t *testing.T) {
	h, err := handlerFor("validate", boltService(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Invoke(context.Background(), []byte(`{"command":{"type":"Withdraw","accountId":"acc-1","commandId":"c-3","amount":9999}}`))
	var ie messages.InvokeResponse_Error
	if !errors.As(err, &ie) || ie.Type != "InsufficientFunds" || ie.Message != "account acc-1 holds 15.00 EUR; cannot withdraw 99.99 EUR" {
		t.Errorf("Invoke error = %#v, want InsufficientFunds with the rule's message", err)
	}
}

func TestCheckTask(t *testing.T) {
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
		err := checkTask(tt.task)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("checkTask(%q) = %v, want %q", tt.task, err, tt.want)
		}
		if tt.want != "" {
			if h, err := handlerFor(tt.task, nil); h != nil || err == nil {
				t.Errorf("handlerFor(%q) = %v, %v; want an error", tt.task, h, err)
			}
		}
	}
}

// TestSetup builds the real AWS clients from the environment, offline,
// reading nothing but the variables it is given.
func TestSetup(t *testing.T) {
	full := map[string]string{envTask: "validate", envEventsTable: "events", envStateTable: "state", envEventBus: "bus",
		envRegion: "us-east-1", envAccessKeyID: "test", envSecretAccessKey: "test"}
	tests := []struct {
		name  string
		unset string
		want  string
	}{
		{"everything set", "", ""},
		{"no task", envTask, "is not a task"},
		{"no events table", envEventsTable, "EVENTS_TABLE is not set"},
		{"no state table", envStateTable, "STATE_TABLE is not set"},
		{"no bus", envEventBus, "EVENT_BUS_NAME is not set"},
		{"no region", envRegion, "AWS_REGION is not set"},
		{"no access key", envAccessKeyID, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
		{"no secret key", envSecretAccessKey, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == tt.unset {
					return ""
				}
				return full[k]
			}
			h, err := setup(getenv)
			if tt.want == "" {
				if err != nil || h == nil {
					t.Fatalf("setup = %v, %v; want a handler", h, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("setup error = %v, want %q", err, tt.want)
			}
		})
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNotifyHandler serves a real EventBridge event to the notify handler
// through aws-lambda-go, with the currency read from a real event log, and
// checks the notification it logs - twice, because EventBridge may deliver
// twice and the holder must be told once.
func TestNotifyHandler(t *testing.T) {
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	open := events.Command{Type: events.OpenAccount, AccountID: "acc-1", CommandID: "open", Currency: "EUR"}
	evs, err := events.Decide(events.State{}, open, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(context.Background(), "acc-1", 0, evs, "open", ""); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	h, err := notifyHandler(store, slog.New(slog.NewJSONHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := os.ReadFile("testdata/eventbridge-withdrawn.json")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			t.Fatalf("Invoke: %v", err)
		}
	}
	if n := strings.Count(logged.String(), "12.34 EUR was withdrawn from account acc-1"); n != 1 {
		t.Fatalf("logged the withdrawal %d times, want once:\n%s", n, logged.String())
	}
}
