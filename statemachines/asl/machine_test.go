package asl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// runSync runs def on input with a virtual clock and no resources.
func runSync(t *testing.T, def *Definition, input string, opts ...Option) *Execution {
	t.Helper()
	m, err := New(def, append([]Option{WithClock(newVirtualClock())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	ex, err := m.StartSync(context.Background(), "", []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// mustParse parses a definition written in a test.
func mustParse(t *testing.T, def string) *Definition {
	t.Helper()
	d, err := Parse([]byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// script is an Invoker that fails with the listed error types, one per
// call, then returns {"ok":true}.
type script struct {
	mu    sync.Mutex
	fails []string
	calls int
}

func (s *script) Invoke(context.Context, []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.fails) > 0 {
		typ := s.fails[0]
		s.fails = s.fails[1:]
		return nil, messages.InvokeResponse_Error{Type: typ, Message: "failed"}
	}
	return []byte(`{"ok":true}`), nil
}

const fnARN = "arn:aws:lambda:us-east-1:000000000000:function:f"

// withFunction registers one function under fnARN.
func withFunction(inv Invoker) Option {
	reg := NewRegistry()
	reg.Functions(map[string]Invoker{fnARN: inv})
	return WithResources(reg)
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name      string
		retry     string
		fails     []string
		wantCalls int
		wantWait  time.Duration
		wantErr   string // "" for success
	}{
		{"backoff", `[{"ErrorEquals":["A"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3}]`, []string{"A", "A", "A"}, 4, 26 * time.Second, ""},
		{"max delay caps backoff", `[{"ErrorEquals":["A"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3,"MaxDelaySeconds":5}]`, []string{"A", "A", "A"}, 4, 12 * time.Second, ""},
		{"max attempts zero never retries", `[{"ErrorEquals":["A"],"MaxAttempts":0}]`, []string{"A"}, 1, 0, "A"},
		{"exhausted", `[{"ErrorEquals":["A"],"MaxAttempts":2}]`, []string{"A", "A", "A"}, 3, 3 * time.Second, "A"},
		{"first matching retrier exhausted stops retrying", `[{"ErrorEquals":["A"],"MaxAttempts":1},{"ErrorEquals":["States.ALL"],"MaxAttempts":5}]`, []string{"A", "A"}, 2, time.Second, "A"},
		{"each retrier counts its own attempts", `[{"ErrorEquals":["A"],"MaxAttempts":1},{"ErrorEquals":["B"],"MaxAttempts":1}]`, []string{"A", "B", "B"}, 3, 2 * time.Second, "B"},
		{"no match", `[{"ErrorEquals":["A"]}]`, []string{"B"}, 1, 0, "B"},
		{"TaskFailed matches function errors", `[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1}]`, []string{"X"}, 2, time.Second, ""},
		{"full jitter never waits longer", `[{"ErrorEquals":["A"],"IntervalSeconds":10,"MaxAttempts":1,"JitterStrategy":"FULL"}]`, []string{"A"}, 2, -10 * time.Second, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fnARN+`","End":true,"Retry":`+tt.retry+`}}}`)
			fn := &script{fails: tt.fails}
			clock := newVirtualClock()
			start := clock.Now()
			ex := runSync(t, def, `{}`, withFunction(fn), WithClock(clock))
			if fn.calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", fn.calls, tt.wantCalls)
			}
			waited := clock.Now().Sub(start)
			if tt.wantWait >= 0 && waited != tt.wantWait || tt.wantWait < 0 && (waited < 0 || waited > -tt.wantWait) {
				t.Errorf("waited %v, want %v", waited, tt.wantWait)
			}
			if got := deref(ex.Error); tt.wantErr != "" && got != tt.wantErr || tt.wantErr == "" && ex.Status != types.ExecutionStatusSucceeded {
				t.Errorf("status %s error %s, want error %q", ex.Status, got, tt.wantErr)
			}
		})
	}
}

type myError struct{}

func (*myError) Error() string { return "mine" }

func TestLambdaErrorNames(t *testing.T) {
	base := errors.New("boom")
	tests := []struct {
		name      string
		handler   any
		wantErr   string
		wantCause string
	}{
		{"errors.New", func() error { return base }, "errorString", `{"errorMessage":"boom","errorType":"errorString"}`},
		{"wrapped", func() error { return fmt.Errorf("ctx: %w", base) }, "wrapError", `{"errorMessage":"ctx: boom","errorType":"wrapError"}`},
		{"pointer type", func() error { return &myError{} }, "myError", `{"errorMessage":"mine","errorType":"myError"}`},
		{"runtime error value", func() error { return messages.InvokeResponse_Error{Type: "Custom", Message: "m"} }, "Custom", `{"errorMessage":"m","errorType":"Custom"}`},
		{"panic", func() error { panic("bad") }, "Lambda.Unknown", ""},
	}
	for _, tt := range tests {
		for _, resource := range []string{fnARN, ResourceLambdaInvoke} {
			t.Run(tt.name+" via "+resource, func(t *testing.T) {
				def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+resource+`","Parameters":{"FunctionName":"f"},"End":true}}}`)
				ex := runSync(t, def, `{}`, withFunction(lambda.NewHandler(tt.handler)))
				if deref(ex.Error) != tt.wantErr {
					t.Errorf("error = %s, want %s", deref(ex.Error), tt.wantErr)
				}
				if tt.wantCause != "" && deref(ex.Cause) != tt.wantCause {
					t.Errorf("cause = %s, want %s", deref(ex.Cause), tt.wantCause)
				}
			})
		}
	}
}

func TestLambdaInvokeEnvelopeAndMissingFunction(t *testing.T) {
	def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName.$":"$.fn","Payload":{"n.$":"$.n"}},"ResultSelector":{"p.$":"$.Payload","code.$":"$.StatusCode","v.$":"$.ExecutedVersion"},"End":true}}}`)
	double := lambda.NewHandler(func(in struct{ N int }) (map[string]int, error) { return map[string]int{"n": in.N * 2}, nil })
	ex := runSync(t, def, `{"fn":"f","n":21}`, withFunction(double))
	if got, want := deref(ex.Output), `{"code":200,"p":{"n":42},"v":"$LATEST"}`; got != want {
		t.Errorf("output = %s, want %s", got, want)
	}
	ex = runSync(t, def, `{"fn":"missing","n":1}`, withFunction(double))
	if deref(ex.Error) != "Lambda.ResourceNotFoundException" {
		t.Errorf("error = %s, want Lambda.ResourceNotFoundException", deref(ex.Error))
	}
}

func TestTimeouts(t *testing.T) {
	tests := []struct {
		name       string
		def        string
		typ        Type
		wantStatus types.ExecutionStatus
		wantOut    string
	}{
		{"execution TimeoutSeconds", `{"TimeoutSeconds":10,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}`, Standard, types.ExecutionStatusTimedOut, ""},
		{"express five-minute cap", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":301,"End":true}}}`, Express, types.ExecutionStatusTimedOut, ""},
		{"standard has no cap", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":301,"End":true}}}`, Standard, types.ExecutionStatusSucceeded, `{"t":2}`},
		{"task timeout caught", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","TimeoutSeconds":3,"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`, Express, types.ExecutionStatusSucceeded, `{"Cause":"","Error":"States.Timeout"}`},
		{"TimeoutSecondsPath", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","TimeoutSecondsPath":"$.t","End":true}}}`, Express, types.ExecutionStatusFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newVirtualClock()
			sleeper := lambda.NewHandler(func(ctx context.Context) error { return clock.Sleep(ctx, time.Hour) })
			ex := runSync(t, mustParse(t, tt.def), `{"t":2}`, WithType(tt.typ), WithClock(clock), withFunction(sleeper))
			if ex.Status != tt.wantStatus {
				t.Fatalf("status = %s (%s %s), want %s", ex.Status, deref(ex.Error), deref(ex.Cause), tt.wantStatus)
			}
			if tt.wantOut != "" && deref(ex.Output) != tt.wantOut {
				t.Errorf("output = %s, want %s", deref(ex.Output), tt.wantOut)
			}
			if ex.Status == types.ExecutionStatusTimedOut && deref(ex.Error) != ErrorTimeout {
				t.Errorf("error = %s, want %s", deref(ex.Error), ErrorTimeout)
			}
		})
	}
}

func TestStatesRuntimeIsNeverCaught(t *testing.T) {
	def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fnARN+`","OutputPath":"$.missing.deep","Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}`)
	fn := &script{}
	ex := runSync(t, def, `{}`, withFunction(fn))
	if deref(ex.Error) != ErrorRuntime || fn.calls != 1 {
		t.Errorf("error = %s after %d calls, want %s after 1", deref(ex.Error), fn.calls, ErrorRuntime)
	}
	if !strings.Contains(deref(ex.Cause), "Missing property in path $['missing']") {
		t.Errorf("cause = %s", deref(ex.Cause))
	}
}

func TestHistoryDetails(t *testing.T) {
	def := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"T"},"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Next":"S"},"S":{"Type":"Succeed"}}}`)
	m, err := New(def, WithClock(newVirtualClock()), withFunction(&script{fails: []string{"A"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ex, err := m.StartSync(context.Background(), "run1", []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	events, err := m.History(context.Background(), ex.ExecutionARN)
	if err != nil {
		t.Fatal(err)
	}
	var typs []string
	for i, e := range events {
		typs = append(typs, string(e.Type))
		if e.Id != int64(i+1) || e.PreviousEventId != int64(i) || e.Timestamp == nil {
			t.Errorf("event %d: id %d prev %d ts %v", i, e.Id, e.PreviousEventId, e.Timestamp)
		}
	}
	want := "ExecutionStarted PassStateEntered PassStateExited TaskStateEntered TaskScheduled TaskStarted TaskFailed ExecutionFailed"
	if got := strings.Join(typs, " "); got != want {
		t.Fatalf("history = %s\nwant      %s", got, want)
	}
	if d := events[4].TaskScheduledEventDetails; d == nil || *d.ResourceType != "lambda" || *d.Resource != "invoke" || *d.Parameters != `{"FunctionName":"f"}` {
		t.Errorf("TaskScheduled details = %+v", d)
	}
	if d := events[6].TaskFailedEventDetails; d == nil || *d.Error != "A" {
		t.Errorf("TaskFailed details = %+v", d)
	}
	if d := events[1].StateEnteredEventDetails; d == nil || *d.Name != "P" || *d.Input != `{"a":1}` {
		t.Errorf("PassStateEntered details = %+v", d)
	}
	if !strings.HasPrefix(ex.ExecutionARN, "arn:aws:states:us-east-1:000000000000:express:StateMachine:run1:") {
		t.Errorf("ARN = %s", ex.ExecutionARN)
	}
}

func TestStartExecutionAndClose(t *testing.T) {
	def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+fnARN+`","End":true}}}`)
	started := make(chan struct{})
	blocking := lambda.NewHandler(func(ctx context.Context) error { close(started); <-ctx.Done(); return ctx.Err() })
	m, err := New(def, withFunction(blocking))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	arn, err := m.StartExecution(ctx, "async", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if ex, err := m.Describe(ctx, arn); err != nil || ex.Status != types.ExecutionStatusRunning {
		t.Fatalf("Describe = %+v, %v; want RUNNING", ex, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	ex, err := m.Wait(ctx, arn)
	if err != nil || ex.Status != types.ExecutionStatusAborted {
		t.Fatalf("after Close: %+v, %v; want ABORTED", ex, err)
	}
	if _, err := m.StartExecution(ctx, "again", []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("StartExecution after Close: %v, want ErrClosed", err)
	}
	if _, err := m.Describe(ctx, "arn:nope"); !errors.Is(err, ErrExecutionNotFound) {
		t.Errorf("Describe unknown: %v, want ErrExecutionNotFound", err)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem","End":true}}}`)
	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"bad name", WithName("no spaces"), "invalid state machine name"},
		{"bad region", WithRegion("Mars"), "invalid region"},
		{"bad account", WithAccount("12"), "invalid account"},
		{"nil clock", WithClock(nil), "nil clock"},
		{"unknown type", WithType("BATCH"), "unknown workflow type"},
		{"unhandled resource", WithName("ok"), "no handler registered for Task resource(s) arn:aws:states:::dynamodb:putItem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(def, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestTemplateFailureIsDeterministic runs a Parameters template in which
// two members fail: the execution must name the same one, the first in
// key order, every time, whatever order Go gives the decoded map.
func TestTemplateFailureIsDeterministic(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"zeta.$":"$.noZeta","alpha.$":"$.noAlpha","mid.$":"$.noMid"},"End":true}}}`
	for range 30 {
		ex := runSync(t, mustParse(t, def), `{}`)
		if ex.Status != types.ExecutionStatusFailed || ex.Error == nil || *ex.Error != ErrorRuntime {
			t.Fatalf("status %s, error %v: want FAILED with %s", ex.Status, ex.Error, ErrorRuntime)
		}
		if ex.Cause == nil || !strings.Contains(*ex.Cause, "$.noAlpha") || strings.Contains(*ex.Cause, "$.noZeta") || strings.Contains(*ex.Cause, "$.noMid") {
			t.Fatalf("cause %v: want it to name only $.noAlpha, the first failing member in key order", ex.Cause)
		}
	}
}
