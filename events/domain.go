package events

import (
	"encoding/json"
	"time"
)

// Domain is what a team implements to run its own event-sourced service on
// stepfold: a value with no I/O. S is the state of one stream, C a command.
//
// The tasks drive it: Decode reads a command, Decide turns it into event
// data against the current state, and Evolve folds each recorded event into
// the next state. Everything else (ids, versions, clocks, snapshots,
// idempotency, storage, publishing) is stepfold's.
type Domain[S any, C Command] interface {
	// Info names the domain and lists its events, rejections and routes.
	Info() Info
	// Decode reads one command from its JSON, strictly (see DecodeStrict).
	// It returns an InvalidCommand *Error naming the problem.
	Decode(data []byte) (C, error)
	// Initial is the state of a stream that has no events.
	Initial() S
	// Decide returns the data of the events that record c, in order, or a
	// rejection: an *Error whose Code is InvalidCommand or one of
	// Info().Rejections.
	Decide(s S, c C, in Input) ([]Data, error)
	// Evolve returns the state after f. It is total: every event Decide
	// can produce, in any schema an upcaster brings to the current one,
	// has a next state.
	Evolve(s S, f Fact) S
}

// Command is what every command tells the tasks about itself.
type Command interface {
	// Meta returns the command's stream, id and business time.
	Meta() CommandMeta
}

// CommandMeta is the part of a command that stepfold reads.
type CommandMeta struct {
	// Type names the intent, such as "Deposit".
	Type string
	// Stream is the id of the stream the command changes (ValidID).
	Stream string
	// ID is the client's idempotency key (ValidID): a command id already
	// applied to the stream is not applied again.
	ID string
	// CorrelationID ties the command to a wider request, if any.
	CorrelationID string
	// OccurredAt is the business time the command is for; zero means now.
	OccurredAt time.Time
	// Refs are versions of earlier events of the same stream that Decide
	// needs to see, such as the transaction a reversal undoes. The tasks
	// read them and pass them in Input.Refs.
	Refs []int64
}

// Input is what Decide sees besides the state and the command.
type Input struct {
	// Version is the stream's current version: 0 for a new stream.
	Version int64
	// At is the command's business time: its OccurredAt, or now.
	At time.Time
	// Refs holds the events the command's Meta().Refs name, by version,
	// for those that exist.
	Refs map[int64]Fact
}

// Data is the data of one event. EventType names the event, in the past
// tense; it must be one of Info().Events.
type Data interface {
	EventType() string
}

// Fact is a recorded event as a domain reads it: the envelope, and its data
// decoded into the domain's type at the current schema.
type Fact struct {
	Event Event
	Data  Data
}

// Replier is implemented by a domain that shapes the answer to a command
// itself. Without it the answer is a Reply.
type Replier[S any] interface {
	// Reply is the answer to a command whose events evs brought the stream
	// to state s (the result of the last Fold, and the HTTP response body).
	Reply(s S, evs []Event) any
}

// Reply is the default answer to a command.
type Reply[S any] struct {
	Stream  string  `json:"stream"`
	Version int64   `json:"version"`
	State   S       `json:"state"`
	Events  []Event `json:"events"`
}

// Info describes a domain to the tasks, the HTTP API and the deployment.
type Info struct {
	// Name is the domain's short name, 1 to 32 lowercase letters, digits
	// or '-': it names the state machine (stepfold-<name>), the queues,
	// the data files and the Lambda functions.
	Name string
	// Source is the EventBridge source of its events ("stepfold.accounts").
	Source string
	// StreamKey is the member under which an event's JSON holds the
	// stream id ("account"); "stream" when empty.
	StreamKey string
	// Noun names one stream in messages ("account"); "stream" when empty.
	Noun string
	// Events lists every event type, with its schema and upcasters.
	Events []EventDef
	// Rejections lists the domain's own rejection codes and their HTTP
	// statuses (4xx). InvalidCommand and the core's codes are implied.
	Rejections []Rejection
	// NotFound is the code a read of a stream with no events returns
	// ("AccountNotFound"); NotFound when empty. It is a 404.
	NotFound Code
	// Routes are the domain's HTTP routes.
	Routes Routes
	// Rules is the domain's EventBridge rules file (see package rules).
	Rules []byte
}

// Rejection is a domain's rejection code and the HTTP status it maps to.
type Rejection struct {
	Code   Code
	Status int
}

// EventDef describes one event type: its name, the schema version it is
// written with, how its data decodes, and how older schemas upcast.
type EventDef struct {
	// Type is the event type, such as "FundsDeposited".
	Type string
	// Schema is the version new events of this type are written with.
	Schema  int
	decode  func(data []byte) (Data, error)
	upcasts []Upcast
}

// Upcast turns the JSON data of an event written under one schema version
// into the data of the next version.
type Upcast func(data json.RawMessage) (json.RawMessage, error)

// Def describes the event type of T at schema version len(upcasts)+1:
// upcasts[i] reads schema i+1 as schema i+2. T's EventType names it.
func Def[T Data](upcasts ...Upcast) EventDef {
	var zero T
	return EventDef{
		Type:    zero.EventType(),
		Schema:  len(upcasts) + 1,
		decode:  decodeInto[T],
		upcasts: upcasts,
	}
}

func decodeInto[T Data](data []byte) (Data, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// Read decodes e's data as the current schema, upcasting it from the
// schema it was written with. It returns Internal for data that does not
// decode, a schema newer than this build knows, or a failed upcast.
func (d EventDef) Read(e Event) (Fact, error) {
	data, err := d.upcast(e)
	if err != nil {
		return Fact{}, err
	}
	v, err := d.decode(data)
	if err != nil {
		return Fact{}, Wrap(CodeInternal, err, "event "+e.ID+" has undecodable data")
	}
	e.Data, e.SchemaVersion = data, d.Schema
	return Fact{Event: e, Data: v}, nil
}

func (d EventDef) upcast(e Event) (json.RawMessage, error) {
	switch {
	case e.SchemaVersion < 1:
		return nil, Errorf(CodeInternal, "event %s has schema version %d; versions start at 1", e.ID, e.SchemaVersion)
	case e.SchemaVersion > d.Schema:
		return nil, Errorf(CodeInternal, "event %s has schema version %d; this build reads %s up to %d", e.ID, e.SchemaVersion, d.Type, d.Schema)
	}
	data := e.Data
	for v := e.SchemaVersion; v < d.Schema; v++ {
		next, err := d.upcasts[v-1](data)
		if err != nil {
			return nil, Wrap(CodeInternal, err, "event "+e.ID+" cannot be upcast from schema "+itoa(v))
		}
		data = next
	}
	return data, nil
}
