//go:build linux

package lambdarie_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stepfold/stepfold/internal/lambdarie"
)

// echoed is what testdata/echo answers.
type echoed struct {
	Payload json.RawMessage `json:"payload"`
	Env     []string        `json:"env"`
	PID     int             `json:"pid"`
}

// TestFunction runs testdata/echo behind the emulator: results, function
// errors, the environment the bootstrap sees, the emulator's reports, and
// that stopping the emulator ends the bootstrap.
func TestFunction(t *testing.T) {
	lambdarie.Emulator(t)
	bootstrap := lambdarie.Build(t, "./internal/lambdarie/testdata/echo")
	t.Setenv("STEPFOLD_TEST_SECRET", "the test's own environment")
	ctx := context.Background()
	var pid int
	t.Run("serve", func(t *testing.T) {
		f := lambdarie.Start(t, bootstrap, map[string]string{"GREETING": "hello", "AWS_LAMBDA_FUNCTION_NAME": "echo"})
		out, err := f.Invoke(ctx, []byte(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		var got echoed
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		pid = got.PID
		if string(got.Payload) != `{"n":1}` {
			t.Errorf("payload %s, want {\"n\":1}", got.Payload)
		}
		checkEnv(t, got.Env)

		_, err = f.Invoke(ctx, []byte(`{"fail":"InsufficientFunds","message":"not enough"}`))
		fe, ok := errors.AsType[*lambdarie.FunctionError](err)
		if !ok || fe.Type != "InsufficientFunds" || fe.Message != "not enough" {
			t.Errorf("Invoke error = %v, want the function error InsufficientFunds: not enough", err)
		}

		if d, ok := f.InitDuration(); !ok || d <= 0 {
			t.Errorf("InitDuration = %v, %v; want the init report", d, ok)
		}
		if r := f.Reports(2); len(r) != 2 || r[0].Duration <= 0 || r[0].RequestID == r[1].RequestID {
			t.Errorf("Reports = %v, want two invocations", r)
		}
	})
	// The subtest's cleanup stopped the emulator; the bootstrap is gone too.
	if pid == 0 {
		t.Fatal("no pid from the bootstrap")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the bootstrap (pid %d) outlived its emulator: kill 0 = %v", pid, err)
	}
}

// checkEnv checks that the bootstrap got the environment it was given,
// with what the emulator adds as Lambda does, and nothing of the test's.
func checkEnv(t *testing.T, env []string) {
	t.Helper()
	for _, want := range []string{"GREETING=hello", "AWS_LAMBDA_FUNCTION_NAME=echo"} {
		if !slices.Contains(env, want) {
			t.Errorf("the bootstrap's environment lacks %s: %v", want, env)
		}
	}
	if !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:") }) {
		t.Errorf("no AWS_LAMBDA_RUNTIME_API on 127.0.0.1: %v", env)
	}
	if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "STEPFOLD_TEST_SECRET=") }) {
		t.Errorf("the test's environment reached the bootstrap: %v", env)
	}
}

// TestRuntimeExit starts a bootstrap that exits before it serves.
func TestRuntimeExit(t *testing.T) {
	lambdarie.Emulator(t)
	f := lambdarie.Start(t, lambdarie.Build(t, "./internal/lambdarie/testdata/echo"), map[string]string{"ECHO_EXIT": "1"})
	_, err := f.Invoke(context.Background(), []byte(`{}`))
	if re, ok := errors.AsType[*lambdarie.RuntimeError](err); !ok || re.Type != "Runtime.ExitError" {
		t.Errorf("Invoke error = %v, want the runtime to fail with Runtime.ExitError", err)
	}
	if !strings.Contains(f.Log(), "echo: told to exit") {
		t.Errorf("the bootstrap's stderr is not in the log:\n%s", f.Log())
	}
}
