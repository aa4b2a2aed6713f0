//go:build linux

package functiontest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// Succeed runs one command through the pipeline and returns the
// execution's output; it fails tb unless the execution succeeded.
func (p *Pipeline) Succeed(tb testing.TB, command string) []byte {
	tb.Helper()
	ex, err := p.StartSync(context.Background(), "", []byte(command))
	if err != nil {
		tb.Fatal(err)
	}
	if ex.Status != types.ExecutionStatusSucceeded {
		tb.Fatalf("%s: execution %s, %s: %s", command, ex.Status, deref(ex.Error), deref(ex.Cause))
	}
	return []byte(deref(ex.Output))
}

// Fail runs one command through the pipeline and returns the execution's
// error name and cause; it fails tb unless the execution failed.
func (p *Pipeline) Fail(tb testing.TB, command string) (string, string) {
	tb.Helper()
	ex, err := p.StartSync(context.Background(), "", []byte(command))
	if err != nil {
		tb.Fatal(err)
	}
	if ex.Status != types.ExecutionStatusFailed {
		tb.Fatalf("%s: execution %s with %s, want FAILED", command, ex.Status, deref(ex.Output))
	}
	return deref(ex.Error), deref(ex.Cause)
}

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
