package eventbus

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/stepfold/stepfold/events"
)

// The fixed fields of the events the local bus delivers. Source is the
// default; WithSource changes it.
const (
	DefaultSource = "stepfold"
	LocalAccount  = "000000000000"
	LocalRegion   = "us-east-1"
)

// Event is a domain event as EventBridge delivers it to a target: a
// Lambda target receives exactly this JSON. Unlike EventBridge, whose id is
// a fresh UUID, the local bus uses the domain event's id, so a republished
// event keeps its id; subscribers should still dedupe by Detail's id, which
// is stable in both modes.
type Event struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	// Detail is the events.Event envelope, as JSON.
	Detail json.RawMessage `json:"detail"`
	// ReplayName is set only on events that Bus.Replay re-delivers, as
	// EventBridge does for an archive replay.
	ReplayName string `json:"replay-name,omitempty"`
}

// Wrap returns e as the bus delivers it, with source as its source. The
// event time is when the store recorded e, else when it occurred, else now.
func Wrap(e events.Event, source string, now time.Time) (Event, error) {
	if e.ID == "" || e.Type == "" {
		return Event{}, events.Errorf(events.CodeInvalidArgument, "event %q of type %q needs an id and a type", e.ID, e.Type)
	}
	detail, err := e.AppendJSON(nil)
	if err != nil {
		return Event{}, events.Wrap(events.CodeInvalidArgument, err, "event "+e.ID+" cannot be encoded")
	}
	return Event{
		Version: "0", ID: e.ID, DetailType: string(e.Type), Source: source,
		Account: LocalAccount, Time: eventTime(e, now).UTC().Format(time.RFC3339),
		Region: LocalRegion, Resources: []string{}, Detail: detail,
	}, nil
}

// AppendJSON appends the event to b as encoding/json writes it (but for
// HTML escaping, which it leaves out, as the Lambda runtime does), without
// encoding/json's reflection; Detail is compacted, which checks it.
func (e Event) AppendJSON(b []byte) ([]byte, error) {
	b = events.AppendString(append(b, `{"version":`...), e.Version)
	b = events.AppendString(append(b, `,"id":`...), e.ID)
	b = events.AppendString(append(b, `,"detail-type":`...), e.DetailType)
	b = events.AppendString(append(b, `,"source":`...), e.Source)
	b = events.AppendString(append(b, `,"account":`...), e.Account)
	b = events.AppendString(append(b, `,"time":`...), e.Time)
	b = events.AppendString(append(b, `,"region":`...), e.Region)
	b = append(b, `,"resources":`...)
	b = appendStrings(b, e.Resources)
	buf := bytes.NewBuffer(append(b, `,"detail":`...))
	if err := json.Compact(buf, e.Detail); err != nil {
		return nil, events.Wrap(events.CodeInvalidArgument, err, "event "+e.ID+" has a detail that is not JSON")
	}
	b = buf.Bytes()
	if e.ReplayName != "" {
		b = events.AppendString(append(b, `,"replay-name":`...), e.ReplayName)
	}
	return append(b, '}'), nil
}

// appendStrings writes a list of strings, null for a nil one.
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = events.AppendString(b, s)
	}
	return append(b, ']')
}

func eventTime(e events.Event, now time.Time) time.Time {
	switch {
	case !e.RecordedAt.IsZero():
		return e.RecordedAt
	case !e.OccurredAt.IsZero():
		return e.OccurredAt
	}
	return now
}
