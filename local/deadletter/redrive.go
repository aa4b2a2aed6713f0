package deadletter

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
)

// Target takes a bus event again; every localbus.Target is one.
type Target interface {
	Deliver(ctx context.Context, event []byte) error
}

// Redriver puts dead letters back through the system. Build it with
// NewRedriver.
type Redriver struct {
	q       *Queues
	run     httpapi.Runner
	targets map[string]Target
}

// NewRedriver returns a Redriver of q's messages that re-runs commands with
// run, the domain's state machine (an apigateway.Runner), and redelivers
// bus events to targets, by target name.
func NewRedriver(q *Queues, run httpapi.Runner, targets map[string]Target) *Redriver {
	return &Redriver{q: q, run: run, targets: targets}
}

// Queues returns the queues the Redriver works on.
func (r *Redriver) Queues() *Queues { return r.q }

// Result is what redriving one message did.
type Result struct {
	ID     string `json:"id"`
	Domain string `json:"domain"`
	Queue  string `json:"queue"`
	// Done is set when the message went through and was deleted.
	Done bool `json:"done"`
	// Detail says what happened, for a person.
	Detail string `json:"detail"`
	// ExecutionARN names the re-run of a command.
	ExecutionARN string `json:"executionArn,omitempty"`
}

// CommandMessage is the body the state machine's SendToDeadLetterQueue
// state sends.
type CommandMessage struct {
	Command    json.RawMessage `json:"command"`
	FailedStep string          `json:"failedStep"`
	Error      string          `json:"error"`
	Cause      string          `json:"cause"`
	Execution  string          `json:"executionId"`
}

// commandID reads the command id of a command's JSON.
func commandID(command json.RawMessage) string {
	var c struct {
		ID string `json:"commandId"`
	}
	_ = json.Unmarshal(command, &c)
	return c.ID
}

// Redrive puts one message back through and deletes it if that worked. A
// message that fails again stays, and the Result says why; the error is
// for a message that cannot be read or a store that cannot be used.
func (r *Redriver) Redrive(ctx context.Context, id string) (Result, error) {
	m, err := r.q.Get(ctx, id)
	if err != nil {
		return Result{}, err
	}
	res := Result{ID: m.ID, Domain: m.Domain, Queue: m.Queue}
	switch {
	case m.Queue == CommandQueue(m.Domain):
		err = r.command(ctx, m, &res)
	case strings.HasPrefix(m.Queue, BusQueue("")):
		err = r.event(ctx, m, &res)
	default:
		res.Detail = fmt.Sprintf("message is in no known queue (%q); delete it by hand if it is not needed", m.Queue)
	}
	if err != nil || !res.Done {
		return res, err
	}
	return res, r.q.Delete(ctx, m.ID)
}

// command re-runs a dead-lettered command with its own command id: the
// command id, the event ids and the fold are idempotent, so a command whose
// events were stored but not published or folded carries the same events
// through Publish and Fold.
func (r *Redriver) command(ctx context.Context, m Message, res *Result) error {
	var cm CommandMessage
	if err := json.Unmarshal([]byte(m.Body), &cm); err != nil {
		return events.Wrap(events.CodeInvalidArgument, err, "message "+m.ID+" does not hold a command")
	}
	id := commandID(cm.Command)
	if id == "" {
		return events.Errorf(events.CodeInvalidArgument, "message %s holds a command without a commandId", m.ID)
	}
	out, err := r.run.Run(ctx, id, cm.Command)
	if err != nil {
		return err
	}
	res.ExecutionARN = out.ExecutionARN
	if !out.Succeeded {
		res.Detail = fmt.Sprintf("command %s failed again: %s: %s", id, out.Error, out.Message())
		return nil
	}
	res.Done, res.Detail = true, "command "+id+" ran to the end"
	return nil
}

// event delivers a dead-lettered bus event to its target again.
func (r *Redriver) event(ctx context.Context, m Message, res *Result) error {
	name := strings.TrimPrefix(m.Queue, BusQueue(""))
	t, ok := r.targets[name]
	if !ok {
		res.Detail = "no target named " + name + " is configured now"
		return nil
	}
	if err := t.Deliver(ctx, []byte(m.Body)); err != nil {
		res.Detail = "target " + name + " refused the event again: " + err.Error()
		return nil
	}
	res.Done, res.Detail = true, "delivered to "+name
	return nil
}

// RedriveAll redrives every message, oldest first, and reports each.
func (r *Redriver) RedriveAll(ctx context.Context) ([]Result, error) {
	ms, err := r.q.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(ms))
	for _, m := range ms {
		res, err := r.Redrive(ctx, m.ID)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}
