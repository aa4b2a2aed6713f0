package asl

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestVariableLimits(t *testing.T) {
	const kib = 1024
	// states assigns n variables, one per state, each a copy of $.s.
	states := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"StartAt":"S0","States":{`)
		for i := range n {
			next := fmt.Sprintf(`"Next":"S%d"`, i+1)
			if i == n-1 {
				next = `"End":true`
			}
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Assign":{"v%d.$":"$.s"},%s},`, i, i, next)
		}
		return strings.TrimSuffix(b.String(), ",") + "}}"
	}
	tests := []struct {
		name, def, input, wantCause string // wantCause "" for success
	}{
		{"one variable under the limit", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"$.s"},"End":true}}}`, blobInput(200*kib, ""), ""},
		{"one variable over the limit",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"States.Format('{}{}', $.s, $.s)"},"End":true}}}`, blobInput(150*kib, ""),
			"The variable 'v' assigned by the state 'A' exceeds the maximum size of 262144 bytes."},
		{"one Assign over the limit",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"$.s","w.$":"$.s"},"End":true}}}`, blobInput(150*kib, ""),
			"The variables assigned by the state 'A' exceed the maximum size of 262144 bytes for one Assign."},
		{"40 variables of 250 KiB", states(40), blobInput(250*kib, ""), ""},
		{"the variables of an execution over the limit", states(42), blobInput(250*kib, ""),
			"The variables of the execution would exceed the maximum size of 10485760 bytes after the state 'S40'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := runSync(t, mustParse(t, tt.def), tt.input)
			if tt.wantCause == "" {
				if ex.Status != types.ExecutionStatusSucceeded {
					t.Fatalf("status %s: %s", ex.Status, deref(ex.Cause))
				}
				return
			}
			if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != ErrorDataLimitExceeded || deref(ex.Cause) != tt.wantCause {
				t.Fatalf("status %s, error %s, cause %q; want FAILED, %s, %q", ex.Status, deref(ex.Error), deref(ex.Cause), ErrorDataLimitExceeded, tt.wantCause)
			}
		})
	}
}

// TestAssignedVariablesHistory checks the history details of an
// assignment: each value as its JSON text on the StateExited event, and
// the EvaluationFailed event of an expression that fails.
func TestAssignedVariablesHistory(t *testing.T) {
	def := mustParse(t, `{"QueryLanguage":"JSONata","StartAt":"A","States":{
	  "A":{"Type":"Pass","Assign":{"n":"{% 1.5 * 2 %}","s":"x","o":{"k":[true,null]}},"Next":"B"},
	  "B":{"Type":"Pass","Output":{"v":"{% $missing %}"},"End":true}}}`)
	m, err := New(def, WithClock(newVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	ex, err := m.StartSync(ctx, "h", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	events, err := m.History(ctx, ex.ExecutionARN)
	if err != nil {
		t.Fatal(err)
	}
	exited := events[2].StateExitedEventDetails
	if exited == nil || exited.AssignedVariablesDetails == nil || exited.AssignedVariablesDetails.Truncated {
		t.Fatalf("event 3 is %s without assigned-variable details", events[2].Type)
	}
	want := map[string]string{"n": "3", "s": `"x"`, "o": `{"k":[true,null]}`}
	if fmt.Sprint(exited.AssignedVariables) != fmt.Sprint(want) {
		t.Errorf("assigned variables %v, want %v", exited.AssignedVariables, want)
	}
	failed := events[4]
	d := failed.EvaluationFailedEventDetails
	if failed.Type != types.HistoryEventTypeEvaluationFailed || d == nil {
		t.Fatalf("event 5 is %s, want EvaluationFailed with details", failed.Type)
	}
	if deref(d.State) != "B" || deref(d.Location) != "Output/v" || deref(d.Error) != ErrorQueryEvaluation || deref(d.Cause) != deref(ex.Cause) {
		t.Errorf("EvaluationFailed details state %s, location %s, error %s, cause %s", deref(d.State), deref(d.Location), deref(d.Error), deref(d.Cause))
	}
}
