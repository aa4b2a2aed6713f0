//go:build linux

package main

import (
	"fmt"
	"testing"

	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/cmd/lambda/function/functiontest"
	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/tasks"
)

// BenchmarkInit starts a fresh function of each of the inventory's tasks
// once per iteration and reports its init under the emulator (see
// functiontest.BenchInit).
//
//	bash scripts/dynamodb-local.sh run -- go test -run '^$' -bench Init -benchtime 20x ./cmd/lambda/inventory
func BenchmarkInit(b *testing.B) {
	d := functiontest.BenchDeployment(b, pkg)
	functiontest.BenchInit(b, d, function.TaskNames(), newWorkload(b, d).payload)
}

// BenchmarkInvoke invokes one warm function of each of the inventory's
// tasks (see functiontest.BenchInvoke).
//
//	bash scripts/dynamodb-local.sh run -- go test -run '^$' -bench Invoke -benchtime 200x ./cmd/lambda/inventory
func BenchmarkInvoke(b *testing.B) {
	d := functiontest.BenchDeployment(b, pkg)
	functiontest.BenchInvoke(b, d, function.TaskNames(), newWorkload(b, d).payload)
}

// BenchmarkBootstrapSize reports the size of the inventory's arm64
// bootstrap.
func BenchmarkBootstrapSize(b *testing.B) { functiontest.BenchSize(b, pkg) }

// workload makes the payload of each task's next invocation, on one
// warehouse stocked for it: validate decides a delivery; persist appends
// the next delivery, as Validate decided it; publish and fold take the
// warehouse's first event; read gets the warehouse.
type workload struct {
	tasks      *tasks.Service[inventory.State, inventory.Command] // in process, over the deployment's tables
	first      []byte                                             // {"events": [the warehouse's first event]}
	deliveries int                                                // the deliveries persisted
}

// newWorkload stocks the warehouse, in process, in the deployment's tables.
func newWorkload(b *testing.B, d *functiontest.Deployment) *workload {
	b.Helper()
	w := &workload{tasks: functiontest.Tasks(b, d, inventory.Domain{})}
	w.first = functiontest.Events(b, w.tasks, receiveCommand)
	return w
}

func (w *workload) payload(tb testing.TB, task string) []byte {
	switch task {
	case "validate":
		return []byte(`{"command":{"type":"ReceiveStock","warehouseId":"w-1","commandId":"v-1","sku":"pear","quantity":1}}`)
	case "persist":
		w.deliveries++
		return functiontest.Decision(tb, w.tasks, fmt.Sprintf(`{"type":"ReceiveStock","warehouseId":"w-1","commandId":"p-%d","sku":"pear","quantity":1}`, w.deliveries))
	case "publish", "fold":
		return w.first
	case "read":
		return functiontest.Fixture(tb, "testdata/read-request.json")
	}
	tb.Fatalf("no payload for task %s", task)
	return nil
}
