package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runMain makes the test binary run main instead of the tests.
const runMain = "PARCELS_LAMBDA_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMain) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestMainChecksItsEnvironment runs main as Lambda would start it, with a
// task it does not serve and with a task but no tables: each stops the
// start with the reason, before any AWS client is built.
func TestMainChecksItsEnvironment(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"STEPFOLD_TASK=ship"}, `STEPFOLD_TASK="ship" is not a task; want one of validate, persist, publish, fold, read`},
		{[]string{"STEPFOLD_TASK=validate"}, "environment variable EVENTS_TABLE is not set"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append([]string{runMain + "=1", "PATH=" + os.Getenv("PATH")}, tc.env...)
		out, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
			t.Fatalf("%v: main ended with %v, want exit status 1; output:\n%s", tc.env, err, out)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%v: main said %q, want %q", tc.env, out, tc.want)
		}
	}
}
