// Package deadletter keeps the local dead-letter queues in one durable
// events.DeadLetters (the bbolt file) and redrives their messages.
//
// There are two kinds of queue. The state machine's queue, [CommandQueue],
// behind the local SQS URL, holds the commands whose Persist, Publish or
// Fold ran out of retries: redriving one runs the command again, with the
// same command id. Each bus target has its own queue, [BusQueue](target),
// holding the events that target could not take: redriving one delivers
// the event to the target again.
//
// Each stored message body is an envelope {"queue": name, "body": text}, so
// the queues share one file and one sequence of ids.
package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/stepfold/stepfold/events"
)

// CommandQueue is the name of the state machine's dead-letter queue.
const CommandQueue = "stepfold-dlq"

// QueueURL is the local SQS URL of CommandQueue, the DeadLetterQueueUrl
// substitution of the account state machine.
const QueueURL = "http://127.0.0.1/000000000000/" + CommandQueue

// BusQueue names the dead-letter queue of a bus target.
func BusQueue(target string) string { return "stepfold-bus-" + target }

// Message is a dead letter with the queue it was sent to.
type Message struct {
	ID       string    `json:"id"`
	Queue    string    `json:"queue"`
	Body     string    `json:"body"`
	Received time.Time `json:"received"`
}

type envelope struct {
	Queue string `json:"queue"`
	Body  string `json:"body"`
}

// Queues is every local dead-letter queue over one store. Build it with New.
type Queues struct {
	dl events.DeadLetters
}

// New returns the queues kept in dl.
func New(dl events.DeadLetters) *Queues { return &Queues{dl: dl} }

// Queue returns the named queue as an events.DeadLetters whose List holds
// only that queue's messages.
func (q *Queues) Queue(name string) events.DeadLetters { return &queue{qs: q, name: name} }

// SendMessage stores body in CommandQueue when queueURL is QueueURL; it is
// the local SQS of the state machine's SendToDeadLetterQueue state.
func (q *Queues) SendMessage(ctx context.Context, queueURL, body string) (string, error) {
	if queueURL != QueueURL {
		return "", events.Errorf(events.CodeInvalidArgument, "no local queue has the URL %s; the only one is %s", queueURL, QueueURL)
	}
	return q.send(ctx, CommandQueue, body)
}

func (q *Queues) send(ctx context.Context, name, body string) (string, error) {
	b, err := json.Marshal(envelope{Queue: name, Body: body})
	if err != nil {
		return "", events.Wrap(events.CodeInternal, err, "cannot encode a dead letter")
	}
	return q.dl.Send(ctx, string(b))
}

// List returns every message of every queue, oldest first.
func (q *Queues) List(ctx context.Context) ([]Message, error) {
	dls, err := q.dl.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(dls))
	for _, d := range dls {
		out = append(out, open(d))
	}
	return out, nil
}

// CodeMessageNotFound is the error of an id that names no dead letter;
// the admin routes answer it with 404.
const CodeMessageNotFound events.Code = "MessageNotFound"

// Get returns one message. An id that names none, malformed or not, is a
// MessageNotFound error; other errors are the store's.
func (q *Queues) Get(ctx context.Context, id string) (Message, error) {
	d, err := q.dl.Get(ctx, id)
	if errors.Is(err, events.ErrInvalidArgument) {
		return Message{}, events.Errorf(CodeMessageNotFound, "no dead letter has the id %q; `stepfold dlq list` lists them", id)
	}
	if err != nil {
		return Message{}, err
	}
	return open(d), nil
}

// Delete removes one message; a missing one is not an error.
func (q *Queues) Delete(ctx context.Context, id string) error { return q.dl.Delete(ctx, id) }

// open unwraps a stored message. A body that is not an envelope was sent
// by something else and is shown as it is, with no queue.
func open(d events.DeadLetter) Message {
	m := Message{ID: d.ID, Body: d.Body, Received: d.Received}
	var env envelope
	if json.Unmarshal([]byte(d.Body), &env) == nil && env.Queue != "" {
		m.Queue, m.Body = env.Queue, env.Body
	}
	return m
}

// queue is one named queue.
type queue struct {
	qs   *Queues
	name string
}

var _ events.DeadLetters = (*queue)(nil)

func (q *queue) Send(ctx context.Context, body string) (string, error) {
	return q.qs.send(ctx, q.name, body)
}

func (q *queue) List(ctx context.Context) ([]events.DeadLetter, error) {
	all, err := q.qs.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []events.DeadLetter
	for _, m := range all {
		if m.Queue == q.name {
			out = append(out, events.DeadLetter{ID: m.ID, Body: m.Body, Received: m.Received})
		}
	}
	return out, nil
}

func (q *queue) Get(ctx context.Context, id string) (events.DeadLetter, error) {
	d, err := q.qs.dl.Get(ctx, id) // InvalidArgument for a missing id, as the port says
	if err != nil {
		return events.DeadLetter{}, err
	}
	m := open(d)
	if m.Queue != q.name {
		return events.DeadLetter{}, events.Errorf(events.CodeInvalidArgument, "message %s is not in queue %s", id, q.name)
	}
	return events.DeadLetter{ID: m.ID, Body: m.Body, Received: m.Received}, nil
}

func (q *queue) Delete(ctx context.Context, id string) error { return q.qs.Delete(ctx, id) }
