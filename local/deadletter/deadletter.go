// Package deadletter keeps the local dead-letter queues of each domain in
// that domain's durable events.DeadLetters (its bbolt file) and redrives
// their messages.
//
// A domain has two kinds of queue. Its state machine's queue
// ([CommandQueue]), behind the local SQS URL [QueueURL], holds the commands
// whose Persist, Publish or Fold ran out of retries: redriving one runs the
// command again, with the same command id. Each bus target has its own
// queue ([BusQueue]), holding the events that target could not take:
// redriving one delivers the event to the target again.
//
// Each stored message body is an envelope {"queue": name, "body": text}, so
// a domain's queues share one file and one sequence of ids. A [Set] puts
// every domain's queues behind one admin API, where a message is named
// "<domain>:<id>".
package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/stepfold/stepfold/events"
)

// CommandQueue is the name of a domain's state machine dead-letter queue.
func CommandQueue(domain string) string { return "stepfold-" + domain + "-dlq" }

// QueueURL is the local SQS URL of a domain's CommandQueue, the
// DeadLetterQueueUrl substitution of its state machine.
func QueueURL(domain string) string { return "http://127.0.0.1/000000000000/" + CommandQueue(domain) }

// BusQueue names the dead-letter queue of a bus target.
func BusQueue(target string) string { return "stepfold-bus-" + target }

// Message is a dead letter with the domain and queue it was sent to.
type Message struct {
	// ID names the message in its domain's store.
	ID       string    `json:"id"`
	Domain   string    `json:"domain"`
	Queue    string    `json:"queue"`
	Body     string    `json:"body"`
	Received time.Time `json:"received"`
}

// Name is the message's name across domains: "<domain>:<id>".
func (m Message) Name() string { return m.Domain + ":" + m.ID }

type envelope struct {
	Queue string `json:"queue"`
	Body  string `json:"body"`
}

// Queues is every dead-letter queue of one domain over one store. Build it
// with New.
type Queues struct {
	domain string
	dl     events.DeadLetters
}

// New returns domain's queues, kept in dl.
func New(domain string, dl events.DeadLetters) *Queues { return &Queues{domain: domain, dl: dl} }

// Domain names the queues' domain.
func (q *Queues) Domain() string { return q.domain }

// Queue returns the named queue as an events.DeadLetters whose List holds
// only that queue's messages.
func (q *Queues) Queue(name string) events.DeadLetters { return &queue{qs: q, name: name} }

// SendMessage stores body in the CommandQueue when queueURL is the domain's
// QueueURL; it is the local SQS of the state machine's
// SendToDeadLetterQueue state.
func (q *Queues) SendMessage(ctx context.Context, queueURL, body string) (string, error) {
	if want := QueueURL(q.domain); queueURL != want {
		return "", events.Errorf(events.CodeInvalidArgument, "no local queue has the URL %s; domain %s's is %s", queueURL, q.domain, want)
	}
	return q.send(ctx, CommandQueue(q.domain), body)
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
		out = append(out, q.open(d))
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
	if errors.Is(err, events.ErrNotFound) || errors.Is(err, events.ErrInvalidArgument) {
		return Message{}, notFound(Message{Domain: q.domain, ID: id}.Name())
	}
	if err != nil {
		return Message{}, err
	}
	return q.open(d), nil
}

func notFound(id string) error {
	return events.Errorf(CodeMessageNotFound, "no dead letter has the id %q; `stepfold dlq list` lists them", id)
}

// Delete removes one message; a missing one is not an error.
func (q *Queues) Delete(ctx context.Context, id string) error { return q.dl.Delete(ctx, id) }

// open unwraps a stored message. A body that is not an envelope was sent
// by something else and is shown as it is, with no queue.
func (q *Queues) open(d events.DeadLetter) Message {
	m := Message{ID: d.ID, Domain: q.domain, Body: d.Body, Received: d.Received}
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
	d, err := q.qs.dl.Get(ctx, id)
	if err != nil {
		return events.DeadLetter{}, err
	}
	m := q.qs.open(d)
	if m.Queue != q.name {
		return events.DeadLetter{}, events.Errorf(events.CodeNotFound, "message %s is not in queue %s", id, q.name)
	}
	return events.DeadLetter{ID: m.ID, Body: m.Body, Received: m.Received}, nil
}

func (q *queue) Delete(ctx context.Context, id string) error { return q.qs.Delete(ctx, id) }
