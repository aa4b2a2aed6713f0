package lambdafn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

type discard struct{}

func (discard) Publish(context.Context, []events.Event) error { return nil }

// newService returns a service over a fresh bbolt store holding acc-1:
// opened at t0, 1500 deposited an hour later and 200 withdrawn an hour
// after that, all recorded at t0.
func newService(t *testing.T) *tasks.Service[account.State, account.Command] {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "events.db"), boltstore.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc, err := tasks.New(account.Domain{}, st, st, discard{}, tasks.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []account.Command{
		{Type: account.OpenAccount, AccountID: "acc-1", CommandID: "c-1", Currency: "EUR"},
		{Type: account.Deposit, AccountID: "acc-1", CommandID: "c-2", Amount: 1500, Reference: "salary", CorrelationID: "req-9"},
		{Type: account.Withdraw, AccountID: "acc-1", CommandID: "c-3", Amount: 200},
	} {
		c.OccurredAt = t0.Add(time.Duration(i) * time.Hour)
		run(t, svc, c)
	}
	return svc
}

func run(t *testing.T, p tasks.Pipeline, c account.Command) {
	t.Helper()
	b, _ := json.Marshal(c)
	if _, err := taskstest.Run(context.Background(), p, b); err != nil {
		t.Fatal(err)
	}
}

// handlers are the pipeline tasks as the Lambda binary and the local
// interpreter register them, by the task table.
func handlers(t *testing.T, p tasks.Pipeline) map[string]lambda.Handler {
	t.Helper()
	out := map[string]lambda.Handler{}
	for _, st := range tasks.Steps() {
		if st.Substitution == "" {
			continue
		}
		h, err := lambdafn.Task(st.Name, p)
		if err != nil {
			t.Fatal(err)
		}
		out[st.Name] = h
	}
	return out
}

type invokeCase struct {
	Name      string          `json:"name"`
	Task      string          `json:"task"`
	Payload   json.RawMessage `json:"payload"`
	Want      json.RawMessage `json:"want"`
	WantError *struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	} `json:"wantError"`
}

// TestHandler invokes the task handlers with the payloads of
// testdata/invoke.json, as Step Functions' lambda:invoke sends them, and
// compares the JSON results and the error types and messages.
func TestHandler(t *testing.T) {
	var cases []invokeCase
	readJSON(t, "invoke.json", &cases)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			h := handlers(t, newService(t))[tc.Task]
			if h == nil {
				t.Fatalf("no task %q", tc.Task)
			}
			out, err := h.Invoke(context.Background(), tc.Payload)
			if tc.WantError != nil {
				checkInvokeError(t, err, tc.WantError.Type, tc.WantError.Message)
				return
			}
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			jsontest.EqualText(t, out, tc.Want)
		})
	}
}

func checkInvokeError(t *testing.T, err error, typ, msg string) {
	t.Helper()
	var ie messages.InvokeResponse_Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %#v, want a messages.InvokeResponse_Error", err)
	}
	if ie.Type != typ || ie.Message != msg {
		t.Errorf("error = %q %q\nwant %q %q", ie.Type, ie.Message, typ, msg)
	}
}

func TestInvokeError(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantType string
		wantMsg  string
	}{
		{"rejection", events.Errorf(account.CodeAccountClosed, "account a is closed"), "AccountClosed", "account a is closed"},
		{"wrapped rejection", fmt.Errorf("validate: %w", events.Errorf(account.CodeBalanceNotZero, "holds 5")), "BalanceNotZero", "holds 5"},
		{"with a cause", events.Wrap(events.CodeStoreUnavailable, errors.New("timeout"), "db locked"), "StoreUnavailable", "db locked: timeout"},
		{"cause only", events.Wrap(events.CodeThrottled, errors.New("slow down"), ""), "Throttled", "slow down"},
		{"code only", events.ErrPublishFailed, "PublishFailed", "PublishFailed"},
		{"plain error", errors.New("boom"), "Internal", "boom"},
		{"cancelled", context.Canceled, "Internal", "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lambdafn.InvokeError(tt.err)
			if got.Type != tt.wantType || got.Message != tt.wantMsg {
				t.Errorf("InvokeError = %q %q, want %q %q", got.Type, got.Message, tt.wantType, tt.wantMsg)
			}
		})
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestHandlerMatchesTheRuntimeEncoding checks that Handler answers with the
// bytes lambda.NewHandler's reflection path gives for the same function:
// same result encoding (no HTML escaping, no trailing newline) and the same
// error for a failure and for a payload that does not decode.
func TestHandlerMatchesTheRuntimeEncoding(t *testing.T) {
	echo := func(_ context.Context, in map[string]any) (map[string]any, error) {
		if in["fail"] != nil {
			return nil, events.Errorf(account.CodeInsufficientFunds, "balance <%v> & more", in["fail"])
		}
		return map[string]any{"got": in, "html": "<a href=\"x\">&</a>", "unicode": "\u2028é"}, nil
	}
	viaReflection := lambda.NewHandler(func(ctx context.Context, p json.RawMessage) (map[string]any, error) {
		var in map[string]any
		if err := json.Unmarshal(p, &in); err != nil {
			return nil, err
		}
		out, err := echo(ctx, in)
		if err != nil {
			return nil, lambdafn.InvokeError(err)
		}
		return out, nil
	})
	ours := lambdafn.Handler(echo)
	for _, payload := range []string{`{"a":1,"b":[true,null,"<x>"]}`, `{"fail":"x"}`, `{}`} {
		want, wantErr := viaReflection.Invoke(context.Background(), []byte(payload))
		got, gotErr := ours.Invoke(context.Background(), []byte(payload))
		if string(got) != string(want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("payload %s:\n ours    %q, %v\n runtime %q, %v", payload, got, gotErr, want, wantErr)
		}
	}
	if _, err := ours.Invoke(context.Background(), []byte(`[1]`)); !errors.As(err, new(messages.InvokeResponse_Error)) || err.(messages.InvokeResponse_Error).Type != string(events.CodeInvalidCommand) {
		t.Errorf("a payload of the wrong shape: got %v, want an InvalidCommand InvokeResponse_Error", err)
	}
}

func TestTaskNamesTheTable(t *testing.T) {
	if _, err := lambdafn.Task("read", nil); !errors.Is(err, events.ErrInvalidArgument) {
		t.Errorf("Task(read) = %v; the read task is an HTTP handler, not a step", err)
	}
	if got := handlers(t, newService(t)); len(got) != 4 {
		t.Errorf("%d step handlers, want validate, persist, publish and fold", len(got))
	}
}
