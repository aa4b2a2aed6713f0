package deadletter_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/apigateway"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/local/deadletter"
)

func newQueues(t *testing.T) *deadletter.Queues {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "dlq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return deadletter.New(s.DeadLetters())
}

// runner answers every command with a fixed outcome.
type runner struct {
	out  apigateway.Outcome
	cmds []events.Command
}

func (r *runner) Run(_ context.Context, c events.Command) (apigateway.Outcome, error) {
	r.cmds = append(r.cmds, c)
	return r.out, nil
}

type target struct{ got [][]byte }

func (tg *target) Deliver(_ context.Context, ev []byte) error {
	tg.got = append(tg.got, ev)
	return nil
}

func TestQueuesAndRedrive(t *testing.T) {
	ctx := context.Background()
	q := newQueues(t)
	if _, err := q.SendMessage(ctx, "http://elsewhere/queue", "{}"); err == nil {
		t.Fatal("a message to an unknown queue URL was accepted")
	}
	cmdID, err := q.SendMessage(ctx, deadletter.QueueURL, `{"command":{"type":"Deposit","accountId":"a","commandId":"c1","amount":5},"failedStep":"Fold","error":"StoreUnavailable"}`)
	if err != nil {
		t.Fatal(err)
	}
	hookQ := q.Queue(deadletter.BusQueue("hook"))
	evID, err := hookQ.Send(ctx, `{"detail":{"id":"a:1"}}`)
	if err != nil {
		t.Fatal(err)
	}
	strayID, err := q.Queue("elsewhere").Send(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if only, _ := hookQ.List(ctx); len(only) != 1 || only[0].ID != evID {
		t.Fatalf("the hook queue lists %v", only)
	}
	failing := &runner{out: apigateway.Outcome{Status: "FAILED", Error: "StoreUnavailable", Cause: `{"errorMessage":"disk full"}`}}
	tg := &target{}
	r := deadletter.NewRedriver(q, failing, map[string]deadletter.Target{"hook": tg})
	tests := []struct {
		name   string
		id     string
		done   bool
		detail string
	}{
		{"command that fails again stays", cmdID, false, "command c1 failed again: StoreUnavailable: disk full"},
		{"bus event is delivered", evID, true, "delivered to hook"},
		{"message of no known queue stays", strayID, false, "no known queue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := r.Redrive(ctx, tc.id)
			if err != nil || res.Done != tc.done || !strings.Contains(res.Detail, tc.detail) {
				t.Fatalf("%+v %v, want done=%v %q", res, err, tc.done, tc.detail)
			}
			_, err = q.Get(ctx, tc.id)
			if deleted := err != nil; deleted != tc.done {
				t.Errorf("deleted=%v, want %v", deleted, tc.done)
			}
		})
	}
	if len(tg.got) != 1 || string(tg.got[0]) != `{"detail":{"id":"a:1"}}` {
		t.Errorf("target got %q", tg.got)
	}
	ok := &runner{out: apigateway.Outcome{Status: "SUCCEEDED"}}
	res, err := deadletter.NewRedriver(q, ok, nil).RedriveAll(ctx)
	if err != nil || len(res) != 2 || !res[0].Done || res[1].Done {
		t.Fatalf("RedriveAll: %+v %v", res, err)
	}
	if len(ok.cmds) != 1 || ok.cmds[0].CommandID != "c1" {
		t.Errorf("the command re-ran as %+v, want its own command id c1", ok.cmds)
	}
}
