package deadletter_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/local/deadletter"
)

func newQueues(t *testing.T, domain string) *deadletter.Queues {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "dlq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return deadletter.New(domain, s.DeadLetters())
}

// runner answers every command with a fixed outcome, and records the
// command ids it ran.
type runner struct {
	out httpapi.Outcome
	ids []string
}

func (r *runner) Run(_ context.Context, id string, _ []byte) (httpapi.Outcome, error) {
	r.ids = append(r.ids, id)
	return r.out, nil
}

type target struct{ got [][]byte }

func (tg *target) Deliver(_ context.Context, ev []byte) error {
	tg.got = append(tg.got, ev)
	return nil
}

func TestQueuesAndRedrive(t *testing.T) {
	ctx := context.Background()
	q := newQueues(t, "account")
	if _, err := q.SendMessage(ctx, "http://elsewhere/queue", "{}"); err == nil {
		t.Fatal("a message to an unknown queue URL was accepted")
	}
	cmdID, err := q.SendMessage(ctx, deadletter.QueueURL("account"), `{"command":{"type":"Deposit","accountId":"a","commandId":"c1","amount":5},"failedStep":"Fold","error":"StoreUnavailable"}`)
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
	failing := &runner{out: httpapi.Outcome{Error: "StoreUnavailable", Cause: `{"errorMessage":"disk full"}`}}
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
	ok := &runner{out: httpapi.Outcome{Succeeded: true}}
	res, err := deadletter.NewRedriver(q, ok, nil).RedriveAll(ctx)
	if err != nil || len(res) != 2 || !res[0].Done || res[1].Done {
		t.Fatalf("RedriveAll: %+v %v", res, err)
	}
	if len(ok.ids) != 1 || ok.ids[0] != "c1" {
		t.Errorf("the command re-ran as %v, want its own command id c1", ok.ids)
	}
}

// TestSet puts two domains' queues behind one set: a message is named
// domain:id, a bare id finds the one domain that has it, and an id both
// have is ambiguous.
func TestSet(t *testing.T) {
	ctx := context.Background()
	bank, shop := newQueues(t, "account"), newQueues(t, "inventory")
	a, err := bank.SendMessage(ctx, deadletter.QueueURL("account"), `{"command":{"commandId":"c1"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shop.SendMessage(ctx, deadletter.QueueURL("account"), "{}"); err == nil {
		t.Error("the inventory's queues took a message for the bank's URL")
	}
	b, err := shop.SendMessage(ctx, deadletter.QueueURL("inventory"), `{"command":{"commandId":"c2"}}`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := shop.SendMessage(ctx, deadletter.QueueURL("inventory"), `{"command":{"commandId":"c3"}}`)
	if err != nil {
		t.Fatal(err)
	}
	set := deadletter.NewSet(deadletter.NewRedriver(bank, &runner{}, nil), deadletter.NewRedriver(shop, &runner{}, nil))
	all, err := set.List(ctx)
	if err != nil || len(all) != 3 || all[0].Name() != "account:"+a || all[1].Name() != "inventory:"+b {
		t.Fatalf("List = %+v, %v", all, err)
	}
	if m, err := set.Get(ctx, "inventory:"+b); err != nil || m.Domain != "inventory" || m.ID != b {
		t.Errorf("Get(inventory:%s) = %+v, %v", b, m, err)
	}
	if m, err := set.Get(ctx, c); err != nil || m.Domain != "inventory" {
		t.Errorf("Get(%s), held by one domain only = %+v, %v", c, m, err)
	}
	if a != b {
		t.Fatalf("the two stores numbered their first messages %s and %s; the ambiguity below needs them alike", a, b)
	}
	if _, err := set.Get(ctx, a); err == nil || !strings.Contains(err.Error(), "account:"+a) || !strings.Contains(err.Error(), "inventory:"+a) {
		t.Errorf("Get(%s), held by both = %v; want an error naming both", a, err)
	}
	for _, name := range []string{"nope", "account:nope", "inventory:nope", "elsewhere:" + a} {
		_, err := set.Get(ctx, name)
		if events.ErrorCode(err) != deadletter.CodeMessageNotFound {
			t.Errorf("Get(%s) = %v, want MessageNotFound", name, err)
		}
		if strings.Contains(name, ":") && !strings.Contains(err.Error(), strconv.Quote(name)) {
			t.Errorf("Get(%s) = %v; want the error to name the message as it was asked for", name, err)
		}
	}
}
