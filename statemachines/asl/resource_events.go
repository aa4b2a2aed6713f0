package asl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// EventEntry is one entry of an EventBridge PutEvents request.
type EventEntry struct {
	Source       string
	DetailType   string
	Detail       string // JSON text
	EventBusName string
	Resources    []string
}

// EventPutter puts events on a bus; a local adapter or a test fake
// implements it. It returns one event id per entry. Return an *Error to name
// a failure; other errors are reported as EventBridge.AmazonEventBridgeException.
type EventPutter interface {
	PutEvents(ctx context.Context, entries []EventEntry) (eventIDs []string, err error)
}

// eventsPutEvents is arn:aws:states:::events:putEvents.
type eventsPutEvents struct{ p EventPutter }

// RunTask puts Entries and returns {Entries: [{EventId}], FailedEntryCount}.
func (h *eventsPutEvents) RunTask(ctx context.Context, t *Task) (any, error) {
	params, _ := t.Input.(map[string]any)
	raw, ok := params["Entries"].([]any)
	if !ok || len(raw) == 0 {
		return nil, newError("EventBridge.AmazonEventBridgeException", "The request must contain the parameter Entries.")
	}
	entries := make([]EventEntry, len(raw))
	for i, r := range raw {
		entries[i] = eventEntry(r)
	}
	ids, err := h.p.PutEvents(ctx, entries)
	if err != nil {
		var e *Error
		if errors.As(err, &e) || ctx.Err() != nil {
			return nil, err
		}
		return nil, newError("EventBridge.AmazonEventBridgeException", err.Error())
	}
	if len(ids) != len(entries) {
		return nil, newError("EventBridge.AmazonEventBridgeException", fmt.Sprintf("PutEvents returned %d event ids for %d entries", len(ids), len(entries)))
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"EventId": id}
	}
	return map[string]any{"Entries": out, "FailedEntryCount": jsonNumber(0)}, nil
}

// eventEntry reads one entry; a Detail that is not a string is sent as JSON.
func eventEntry(r any) EventEntry {
	m, _ := r.(map[string]any)
	e := EventEntry{}
	e.Source, _ = m["Source"].(string)
	e.DetailType, _ = m["DetailType"].(string)
	e.EventBusName, _ = m["EventBusName"].(string)
	if d, ok := m["Detail"].(string); ok {
		e.Detail = d
	} else if m["Detail"] != nil {
		e.Detail = jsonText(m["Detail"])
	}
	res, _ := m["Resources"].([]any)
	for _, x := range res {
		if s, ok := x.(string); ok {
			e.Resources = append(e.Resources, s)
		}
	}
	return e
}

// jsonNumber returns n as a JSON number value.
func jsonNumber(n int64) json.Number { return json.Number(fmt.Sprint(n)) }
