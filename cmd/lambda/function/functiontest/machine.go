//go:build linux

package functiontest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/statemachines/asl"
)

// Succeed runs one command through m and returns the execution's output;
// it fails tb unless the execution succeeded.
func Succeed(tb testing.TB, m *asl.Machine, command string) []byte {
	tb.Helper()
	ex, err := m.StartSync(context.Background(), "", []byte(command))
	if err != nil {
		tb.Fatal(err)
	}
	if ex.Status != types.ExecutionStatusSucceeded {
		tb.Fatalf("%s: execution %s, %s: %s", command, ex.Status, Deref(ex.Error), Deref(ex.Cause))
	}
	return []byte(Deref(ex.Output))
}

// Fail runs one command through m and returns the execution's error name
// and cause; it fails tb unless the execution failed.
func Fail(tb testing.TB, m *asl.Machine, command string) (string, string) {
	tb.Helper()
	ex, err := m.StartSync(context.Background(), "", []byte(command))
	if err != nil {
		tb.Fatal(err)
	}
	if ex.Status != types.ExecutionStatusFailed {
		tb.Fatalf("%s: execution %s with %s, want FAILED", command, ex.Status, Deref(ex.Output))
	}
	return Deref(ex.Error), Deref(ex.Cause)
}

// Deref returns *s, or "" for nil.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
