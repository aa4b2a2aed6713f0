package eventbridge

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/stepfold/stepfold/events"
)

// PutEvents limits.
const (
	// MaxBatchEntries is the most entries one PutEvents call takes.
	MaxBatchEntries = 10
	// MaxBatchSize is the most bytes of entries, counted as EntrySize
	// does, that one PutEvents call takes.
	MaxBatchSize = 256 * 1024
	// MaxSourceLength is the most characters an entry's source has.
	MaxSourceLength = 256
	// MaxDetailTypeLength is the most characters an entry's detail-type,
	// the event type, has.
	MaxDetailTypeLength = 128
)

// Retry defaults: attempts per batch, counting the first, and the first
// backoff, doubled after each attempt.
const (
	DefaultAttempts = 4
	DefaultBackoff  = 100 * time.Millisecond
)

// Publisher puts events on one EventBridge bus. It is safe for concurrent use.
type Publisher struct {
	client   *eventbridge.Client
	bus      string
	source   string
	attempts int
	backoff  time.Duration
}

var _ events.Publisher = (*Publisher)(nil)

// Option configures a Publisher.
type Option func(*Publisher) error

// WithRetry sets how many times a batch is sent, counting the first time,
// and the backoff before the first retry, doubled after each. attempts
// must be at least 1 and backoff not negative.
func WithRetry(attempts int, backoff time.Duration) Option {
	return func(p *Publisher) error {
		if attempts < 1 || backoff < 0 {
			return events.Errorf(events.CodeInvalidArgument, "eventbridge: retry needs attempts >= 1 and backoff >= 0, got %d and %s", attempts, backoff)
		}
		p.attempts, p.backoff = attempts, backoff
		return nil
	}
}

// New returns a Publisher that puts events on the bus busName (a name or
// an ARN) with the EventBridge source source: the domain's Info().Source,
// such as "stepfold.accounts". It returns InvalidArgument for a nil
// client, an empty bus name, a source that EventBridge refuses (empty,
// over MaxSourceLength characters, or under the "aws." prefix that AWS
// services keep for themselves) or a bad option.
func New(client *eventbridge.Client, busName, source string, opts ...Option) (*Publisher, error) {
	if client == nil || busName == "" {
		return nil, events.Errorf(events.CodeInvalidArgument, "eventbridge: New needs a client and a bus name")
	}
	if err := checkSource(source); err != nil {
		return nil, err
	}
	p := &Publisher{client: client, bus: busName, source: source, attempts: DefaultAttempts, backoff: DefaultBackoff}
	for _, opt := range opts {
		if err := opt(p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// entry is one request entry and the id of the event it carries.
type entry struct {
	id   string
	req  types.PutEventsRequestEntry
	size int
}

func checkSource(source string) error {
	if n := utf8.RuneCountInString(source); n < 1 || n > MaxSourceLength || strings.HasPrefix(source, "aws.") {
		return events.Errorf(events.CodeInvalidArgument,
			"eventbridge: source %q must be 1 to %d characters and not start with \"aws.\"", source, MaxSourceLength)
	}
	return nil
}

// Entry returns the PutEvents entry for e on bus, from source: its
// detail-type is the event type and its detail the event's JSON as
// Event.MarshalJSON writes it, with the stream id under e.StreamKey. It
// returns InvalidArgument for an event that does not encode or whose type
// is not 1 to MaxDetailTypeLength characters.
func Entry(e events.Event, bus, source string) (types.PutEventsRequestEntry, error) {
	if n := utf8.RuneCountInString(e.Type); n < 1 || n > MaxDetailTypeLength {
		return types.PutEventsRequestEntry{}, events.Errorf(events.CodeInvalidArgument,
			"eventbridge: event %s has type %q; a detail-type is 1 to %d characters", e.ID, e.Type, MaxDetailTypeLength)
	}
	detail, err := e.MarshalJSON()
	if err != nil {
		return types.PutEventsRequestEntry{}, events.Wrap(events.CodeInvalidArgument, err, "eventbridge: encode event "+e.ID)
	}
	req := types.PutEventsRequestEntry{
		EventBusName: aws.String(bus),
		Source:       aws.String(source),
		DetailType:   aws.String(e.Type),
		Detail:       aws.String(string(detail)),
	}
	switch {
	case !e.RecordedAt.IsZero():
		req.Time = aws.Time(e.RecordedAt)
	case !e.OccurredAt.IsZero():
		req.Time = aws.Time(e.OccurredAt)
	}
	return req, nil
}

// EntrySize returns the size of req as EventBridge counts it against the
// PutEvents limit: 14 bytes for Time if set, plus the UTF-8 bytes of
// Source, DetailType, Detail and each resource.
func EntrySize(req types.PutEventsRequestEntry) int {
	n := len(aws.ToString(req.Source)) + len(aws.ToString(req.DetailType)) + len(aws.ToString(req.Detail))
	if req.Time != nil {
		n += 14
	}
	for _, r := range req.Resources {
		n += len(r)
	}
	return n
}

// entries encodes evs, refusing any entry too large for PutEvents.
func (p *Publisher) entries(evs []events.Event) ([]entry, error) {
	out := make([]entry, len(evs))
	for i, e := range evs {
		req, err := Entry(e, p.bus, p.source)
		if err != nil {
			return nil, err
		}
		size := EntrySize(req)
		if size > MaxBatchSize {
			return nil, events.Wrap(events.CodePublishFailed, &FailedError{IDs: []string{e.ID}, Reasons: []string{"EntryTooLarge"}},
				"eventbridge: event "+e.ID+" is "+itoa(size)+" bytes as an entry; PutEvents takes "+itoa(MaxBatchSize))
		}
		out[i] = entry{id: e.ID, req: req, size: size}
	}
	return out, nil
}

// batches splits entries, in order, into PutEvents calls within the limits.
func batches(entries []entry) [][]entry {
	var out [][]entry
	start, size := 0, 0
	for i, e := range entries {
		if i-start == MaxBatchEntries || size+e.size > MaxBatchSize {
			out = append(out, entries[start:i])
			start, size = i, 0
		}
		size += e.size
	}
	if start < len(entries) {
		out = append(out, entries[start:])
	}
	return out
}
