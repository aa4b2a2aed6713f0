package asl

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestTemplateReadsOnlyPayload decides, for ResultSelectors, whether the
// Lambda envelope can be skipped: only paths under $.Payload (and context
// paths and literals) qualify.
func TestTemplateReadsOnlyPayload(t *testing.T) {
	tests := []struct {
		selector string
		want     bool
	}{
		{`{"a.$":"$.Payload"}`, true},
		{`{"a.$":"$.Payload.events","b":{"c.$":"$.Payload[0]"},"d":[1,{"e.$":"$$.Execution.Id"}]}`, true},
		{`{"a.$":"$.Payload..x","lit":"$.StatusCode"}`, true},
		{`{"a.$":"$.StatusCode"}`, false},
		{`{"a.$":"$"}`, false},
		{`{"a.$":"$.PayloadX"}`, false},
		{`{"a.$":"$['Payload']"}`, false},
		{`{"a.$":"$.Payload[?(@.n == $.StatusCode)]"}`, false},
		{`{"a.$":"States.JsonToString($.Payload)"}`, false},
		{`{"ok":[{"a.$":"$.Payload.x"}, {"b.$":"$.SdkHttpMetadata"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.selector, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.selector), &v); err != nil {
				t.Fatal(err)
			}
			l := &loader{}
			tpl := l.template("/ResultSelector", v)
			if len(l.problems) > 0 {
				t.Fatalf("template problems: %v", l.problems)
			}
			if tpl.payloadOnly != tt.want {
				t.Errorf("payloadOnly = %v, want %v", tpl.payloadOnly, tt.want)
			}
		})
	}
}

// TestLambdaEnvelopeOnDemand runs lambda:invoke states whose results are
// read in different ways and checks that each sees the envelope as Step
// Functions returns it: the output, the text of a failed selector, and the
// TaskSucceeded event in the history.
func TestLambdaEnvelopeOnDemand(t *testing.T) {
	tests := []struct {
		name       string
		fields     string // of the Task state, besides Resource, Parameters and End
		wantOut    string // exact, or a part when wantCause is set
		wantCause  string // a part of the failure's cause
		wantOutHas string // a part of the output
	}{
		{name: "selector on Payload only", fields: `"ResultSelector":{"n.$":"$.Payload.n"}`, wantOut: `{"n":42}`},
		{name: "selector beyond Payload", fields: `"ResultSelector":{"n.$":"$.Payload.n","len.$":"$.SdkHttpMetadata.HttpHeaders.Content-Length"}`, wantOut: `{"len":"8","n":42}`},
		{name: "ResultPath null", fields: `"ResultPath":null`, wantOut: `{"fn":"f","n":21}`},
		{name: "whole result kept", fields: `"ResultPath":"$.r","OutputPath":"$.r.SdkResponseMetadata"`, wantOutHas: `"RequestId":`},
		{name: "missing Payload field", fields: `"ResultSelector":{"x.$":"$.Payload.missing"}`, wantCause: `could not be found in the input '{"ExecutedVersion":"$LATEST","Payload":{"n":42},"SdkHttpMetadata"`},
	}
	double := lambda.NewHandler(func(in struct{ N int }) (map[string]int, error) { return map[string]int{"n": in.N * 2}, nil })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName.$":"$.fn","Payload":{"n.$":"$.n"}},`+tt.fields+`,"End":true}}}`)
			m, err := New(def, WithClock(newVirtualClock()), withFunction(double))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			ex, err := m.StartSync(context.Background(), "", []byte(`{"fn":"f","n":21}`))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.wantCause != "":
				if ex.Status != types.ExecutionStatusFailed || !strings.Contains(deref(ex.Cause), tt.wantCause) {
					t.Fatalf("status %s cause %s, want a failure with %s", ex.Status, deref(ex.Cause), tt.wantCause)
				}
			case tt.wantOutHas != "":
				if !strings.Contains(deref(ex.Output), tt.wantOutHas) {
					t.Fatalf("output %s, want it to hold %s", deref(ex.Output), tt.wantOutHas)
				}
			case deref(ex.Output) != tt.wantOut:
				t.Fatalf("output %s (%s), want %s", deref(ex.Output), deref(ex.Cause), tt.wantOut)
			}
			checkEnvelopeInHistory(t, m, ex)
		})
	}
}

// checkEnvelopeInHistory checks that the TaskSucceeded event of ex holds
// the whole Lambda envelope.
func checkEnvelopeInHistory(t *testing.T, m *Machine, ex *Execution) {
	t.Helper()
	evs, err := m.History(context.Background(), ex.ExecutionARN)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if d := e.TaskSucceededEventDetails; d != nil {
			var env map[string]any
			if err := json.Unmarshal([]byte(deref(d.Output)), &env); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"} {
				if _, ok := env[k]; !ok {
					t.Errorf("TaskSucceeded output lacks %s: %s", k, deref(d.Output))
				}
			}
			return
		}
	}
	t.Fatal("no TaskSucceeded event in the history")
}
