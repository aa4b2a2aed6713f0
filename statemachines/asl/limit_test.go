package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// echo is an Invoker that returns its payload.
type echo struct{}

func (echo) Invoke(_ context.Context, payload []byte) ([]byte, error) { return payload, nil }

// blobInput is {"s": a string of n bytes} plus extra members, as JSON text.
func blobInput(n int, extra string) string {
	return `{"s":"` + strings.Repeat("x", n) + `"` + extra + `}`
}

// itemsJSON is a JSON array of the numbers 1 to n.
func itemsJSON(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprint(i + 1)
	}
	return "[" + strings.Join(items, ",") + "]"
}

func TestStateOutputLimit(t *testing.T) {
	const kib = 1024
	double := `{"Type":"Pass","Parameters":{"a.$":"$.s","b.$":"$.s"},"End":true}`
	passDouble := `{"StartAt":"Double","States":{"Double":` + double + `}}`
	parallelCatchAll := `{"StartAt":"Par","States":{
	  "Par":{"Type":"Parallel","Branches":[{"StartAt":"Double","States":{"Double":` + double + `}}],
	    "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
	  "Caught":{"Type":"Pass","End":true}}}`
	taskMerge := func(catch string) string {
		return `{"StartAt":"Copy","States":{
		  "Copy":{"Type":"Task","Resource":"` + fnARN + `","Parameters":{"s.$":"$.s"},"ResultPath":"$.copy",
		    "Catch":[{"ErrorEquals":["` + catch + `"],"Next":"Caught"}],"End":true},
		  "Caught":{"Type":"Pass","End":true}}}`
	}
	mapGather := `{"StartAt":"Gather","States":{
	  "Gather":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"s.$":"$.s"},
	    "ItemProcessor":{"StartAt":"Item","States":{"Item":{"Type":"Pass","End":true}}},
	    "ResultPath":"$.all","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
	  "Caught":{"Type":"Pass","End":true}}}`
	tests := []struct {
		name      string
		def       string
		input     string
		wantState string // the state that fails, "" for success
		wantError string // the error caught at the end, "" when none is
	}{
		{name: "Pass doubling a big input fails", def: passDouble, input: blobInput(150*kib, ""), wantState: "Double"},
		{name: "Pass doubling a small input succeeds", def: passDouble, input: blobInput(kib, "")},
		{name: "output of exactly the limit succeeds", def: passDouble, input: blobInput((MaxPayloadSize-len(`{"a":"","b":""}`))/2, "")},
		{name: "output one byte over the limit fails", def: `{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"a.$":"$.s","b.$":"$.s","c":"x"},"End":true}}}`, input: blobInput((MaxPayloadSize-len(`{"a":"","b":"","c":""}`))/2, ""), wantState: "Double"},
		{name: "States.ALL does not catch a branch over the limit", def: parallelCatchAll, input: blobInput(150*kib, ""), wantState: "Double"},
		{name: "States.ALL does not catch a ResultPath merge over the limit", def: taskMerge(ErrorAll), input: blobInput(150*kib, ""), wantState: "Copy"},
		{name: "the state's own Catch naming the error catches it", def: taskMerge(ErrorDataLimitExceeded), input: blobInput(150*kib, ""), wantError: ErrorDataLimitExceeded},
		{name: "ResultPath merge under the limit succeeds", def: taskMerge(ErrorAll), input: blobInput(100*kib, "")},
		{name: "Map gathering results over the limit fails", def: mapGather, input: blobInput(10*kib, `,"items":`+itemsJSON(30)), wantState: "Gather"},
		{name: "Map gathering results under the limit succeeds", def: mapGather, input: blobInput(10*kib, `,"items":`+itemsJSON(10))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := runSync(t, mustParse(t, tt.def), tt.input, withFunction(echo{}))
			if tt.wantState != "" {
				checkDataLimitFailure(t, ex, tt.wantState)
				return
			}
			if ex.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("status %s, error %s: %s", ex.Status, deref(ex.Error), deref(ex.Cause))
			}
			if got := caughtError(t, ex); got != tt.wantError {
				t.Errorf("caught error %q, want %q", got, tt.wantError)
			}
		})
	}
}

// checkDataLimitFailure fails t unless ex failed with States.DataLimitExceeded
// raised by the state named state.
func checkDataLimitFailure(t *testing.T, ex *Execution, state string) {
	t.Helper()
	if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != ErrorDataLimitExceeded {
		t.Fatalf("status %s, error %q, want FAILED with %s", ex.Status, deref(ex.Error), ErrorDataLimitExceeded)
	}
	want := dataLimitError(state).Cause
	if deref(ex.Cause) != want {
		t.Errorf("cause %q, want %q", deref(ex.Cause), want)
	}
}

// caughtError returns the Error member of a successful execution's output,
// which a Catch with the default ResultPath leaves there.
func caughtError(t *testing.T, ex *Execution) string {
	t.Helper()
	var out struct{ Error string }
	if err := json.Unmarshal([]byte(deref(ex.Output)), &out); err != nil {
		t.Fatalf("output is not an object: %v", err)
	}
	return out.Error
}
