// Package functiontest holds what the tests of the domains' Lambda
// binaries share: a domain's tasks in process over bbolt, to compare the
// binary's answers with (Bolt), and, on Linux, the Lambda side of a
// deployment run on this machine (NewDeployment): the bootstrap behind the
// Lambda Runtime Interface Emulator, over fresh DynamoDB Local tables,
// publishing to a PutEvents endpoint the test serves, called by the
// pipeline definition on the interpreter (Deployment.Pipeline); and the
// benchmarks of its init, its invocations and its size.
package functiontest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/lambdafn"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

// Now is the clock of the services Bolt builds: 2026-11-23T10:00:00Z. A
// command without occurredAt happens then, and every event is recorded
// then.
func Now() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }

// Bolt returns the tasks of domain d over a fresh bbolt store, on the
// clock Now, after running commands (each as its JSON) through Validate,
// Persist, Publish and Fold; and the store. tb closes the store.
func Bolt[S any, C events.Command](tb testing.TB, d events.Domain[S, C], commands ...string) (*tasks.Service[S, C], *boltstore.Store) {
	tb.Helper()
	st, err := boltstore.Open(filepath.Join(tb.TempDir(), "events.db"), boltstore.WithClock(Now))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	svc, err := tasks.New(d, st, st, &eventstest.Recorder{}, tasks.WithClock(Now))
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range commands {
		if _, err := taskstest.Run(context.Background(), svc, []byte(c)); err != nil {
			tb.Fatalf("%s: %v", c, err)
		}
	}
	return svc, st
}

// ErrorDocument returns the Lambda error document that the handler of the
// pipeline step task over p gives for payload, in process, as the runtime
// would send it; it fails tb unless the handler fails.
func ErrorDocument(tb testing.TB, p tasks.Pipeline, task, payload string) []byte {
	tb.Helper()
	h, err := lambdafn.Task(task, p)
	if err != nil {
		tb.Fatal(err)
	}
	_, err = h.Invoke(context.Background(), []byte(payload))
	ie, ok := errors.AsType[messages.InvokeResponse_Error](err)
	if !ok {
		tb.Fatalf("in-process %s of %s: error %v, want a Lambda error response", task, payload, err)
	}
	doc, err := json.Marshal(ie)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// Decision returns the payload Persist gets from the state machine for
// command (its JSON): the decision Validate of p makes on it now.
func Decision(tb testing.TB, p tasks.Pipeline, command string) []byte {
	tb.Helper()
	d, err := p.Validate(context.Background(), tasks.ValidateInput{Command: []byte(command)})
	if err != nil {
		tb.Fatalf("validate %s: %v", command, err)
	}
	b, err := json.Marshal(tasks.PersistInput{ExpectedVersion: d.ExpectedVersion, Events: d.Events, Snapshots: d.Snapshots, Fingerprint: d.Fingerprint})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Events runs command (its JSON) through p, in process, and returns the
// payload Publish and Fold get for the events it recorded: {"events":
// [...]}, read from the events of Fold's reply.
func Events(tb testing.TB, p tasks.Pipeline, command string) []byte {
	tb.Helper()
	reply, err := taskstest.Run(context.Background(), p, []byte(command))
	if err != nil {
		tb.Fatalf("%s: %v", command, err)
	}
	var r struct {
		Events json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(reply, &r); err != nil || len(r.Events) == 0 {
		tb.Fatalf("the reply %s to %s holds no events (%v)", reply, command, err)
	}
	return fmt.Appendf(nil, `{"events":%s}`, r.Events)
}

// Fixture returns the content of the file at path, or fails tb.
func Fixture(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
