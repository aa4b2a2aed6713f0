//go:build linux

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/cmd/lambda/function/functiontest"
	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/tasks"
)

// BenchmarkInit starts a fresh function of each of the bank's tasks once
// per iteration and reports its init under the emulator (see
// functiontest.BenchInit).
//
//	bash scripts/dynamodb-local.sh run -- go test -run '^$' -bench Init -benchtime 20x ./cmd/lambda/account
func BenchmarkInit(b *testing.B) {
	d := functiontest.BenchDeployment(b, pkg)
	functiontest.BenchInit(b, d, function.TaskNames(notifySubscriber()), newWorkload(b, d).payload)
}

// BenchmarkInvoke invokes one warm function of each of the bank's tasks
// (see functiontest.BenchInvoke).
//
//	bash scripts/dynamodb-local.sh run -- go test -run '^$' -bench Invoke -benchtime 200x ./cmd/lambda/account
func BenchmarkInvoke(b *testing.B) {
	d := functiontest.BenchDeployment(b, pkg)
	functiontest.BenchInvoke(b, d, function.TaskNames(notifySubscriber()), newWorkload(b, d).payload)
}

// BenchmarkBootstrapSize reports the size of the bank's arm64 bootstrap.
func BenchmarkBootstrapSize(b *testing.B) { functiontest.BenchSize(b, pkg) }

// workload makes the payload of each task's next invocation, on one
// account opened for it: validate decides a deposit; persist appends the
// next deposit, as Validate decided it (with the snapshot every tenth
// version); publish and fold take the account's first event; read gets
// the account; notify gets a new withdrawal each time.
type workload struct {
	bank     *tasks.Service[account.State, account.Command] // in process, over the deployment's tables
	first    []byte                                         // {"events": [the account's first event]}
	deposits int                                            // the deposits persisted
	notices  int                                            // the withdrawals notify has been sent
}

// newWorkload opens the account, in process, in the deployment's tables.
func newWorkload(b *testing.B, d *functiontest.Deployment) *workload {
	b.Helper()
	w := &workload{bank: functiontest.Tasks(b, d, account.Domain{})}
	w.first = functiontest.Events(b, w.bank, openCommand)
	return w
}

func (w *workload) payload(tb testing.TB, task string) []byte {
	switch task {
	case "validate":
		return []byte(`{"command":{"type":"Deposit","accountId":"acc-1","commandId":"v-1","amount":1}}`)
	case "persist":
		w.deposits++
		return functiontest.Decision(tb, w.bank, fmt.Sprintf(`{"type":"Deposit","accountId":"acc-1","commandId":"p-%d","amount":1}`, w.deposits))
	case "publish", "fold":
		return w.first
	case "read":
		return functiontest.Fixture(tb, readRequest)
	case "notify":
		w.notices++
		return []byte(strings.Replace(string(functiontest.Fixture(tb, "testdata/eventbridge-withdrawn.json")),
			`"id": "acc-1:3"`, fmt.Sprintf(`"id": "acc-1:w%d"`, w.notices), 1))
	}
	tb.Fatalf("no payload for task %s", task)
	return nil
}
