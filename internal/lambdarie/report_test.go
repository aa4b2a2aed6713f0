//go:build linux

package lambdarie

import (
	"os"
	"slices"
	"testing"
	"time"
)

// logged returns a Function whose output is the recorded log file.
func logged(t *testing.T, file string) *Function {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	f := &Function{out: &output{}}
	_, _ = f.out.Write(b)
	return f
}

// TestReadLog reads the durations from a log the emulator wrote while a
// bootstrap served three invocations: the init report's, not the 0.04 ms
// of the first REPORT line's "Init Duration".
func TestReadLog(t *testing.T) {
	f := logged(t, "emulator.log")
	if d, ok := f.InitDuration(); !ok || d != 125067*time.Microsecond {
		t.Errorf("InitDuration = %v, %v; want 125.067ms", d, ok)
	}
	want := []Report{
		{"bc4bc693-d700-46e4-9136-198c7de6087d", 282160 * time.Microsecond},
		{"bc804dca-27b5-4a11-a27a-2c8927c7b144", 10320 * time.Microsecond},
		{"1cce3910-8ce9-4a5d-832e-a3f2ba6855ef", 5210 * time.Microsecond},
	}
	if got := f.Reports(3); !slices.Equal(got, want) {
		t.Errorf("Reports = %v, want %v", got, want)
	}
	if got := f.fatalError(); got != "" {
		t.Errorf("fatalError = %q, want none", got)
	}
}

// TestReadLogOfFailedInit reads a log of a bootstrap that exited in its
// init: the first init report is the init's, and the fatal error is named.
func TestReadLogOfFailedInit(t *testing.T) {
	f := logged(t, "init-failed.log")
	if d, ok := f.InitDuration(); !ok || d != 6333*time.Microsecond {
		t.Errorf("InitDuration = %v, %v; want 6.333ms", d, ok)
	}
	if got := f.fatalError(); got != "Runtime.ExitError" {
		t.Errorf("fatalError = %q, want Runtime.ExitError", got)
	}
	if got := f.Reports(1); len(got) != 0 {
		t.Errorf("Reports = %v, want none", got)
	}
}

func TestFunctionError(t *testing.T) {
	tests := []struct {
		body        string
		wantType    string // "" for a result
		wantMessage string
	}{
		{`{"errorMessage":"account acc-1 holds 1500 EUR","errorType":"InsufficientFunds"}`, "InsufficientFunds", "account acc-1 holds 1500 EUR"},
		{`{"errorType":"Runtime.Unknown","errorMessage":"boom","stackTrace":[{"path":"main.go","line":3}]}`, "Runtime.Unknown", "boom"},
		{`{"errorType":"Internal"}`, "Internal", ""},
		{`{"errorType":"Internal","account":"acc-1"}`, "", ""}, // a result that happens to hold errorType
		{`{"errorMessage":"no type"}`, "", ""},
		{`{"account":"acc-1","version":2}`, "", ""},
		{`null`, "", ""},
		{`[1,2]`, "", ""},
		{`not json`, "", ""},
	}
	for _, tt := range tests {
		fe := functionError([]byte(tt.body))
		switch {
		case tt.wantType == "" && fe != nil:
			t.Errorf("%s: function error %+v, want a result", tt.body, fe)
		case tt.wantType != "" && (fe == nil || fe.Type != tt.wantType || fe.Message != tt.wantMessage || string(fe.Payload) != tt.body):
			t.Errorf("%s: function error %+v, want %s %q with the document", tt.body, fe, tt.wantType, tt.wantMessage)
		}
	}
}
