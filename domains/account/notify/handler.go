package notify

import (
	"context"
	"encoding/json"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

// Sink delivers notifications to account holders.
type Sink interface {
	Send(ctx context.Context, n Notification) error
}

// Handler turns EventBridge events into notifications. It is safe for
// concurrent use if its ports are.
type Handler struct {
	currencies Currencies
	seen       Seen
	sink       Sink
}

// NewHandler returns a Handler that looks up currencies in cur, dedupes
// with seen and sends to sink. All three are required.
func NewHandler(cur Currencies, seen Seen, sink Sink) (*Handler, error) {
	if cur == nil || seen == nil || sink == nil {
		return nil, events.Errorf(events.CodeInvalidArgument, "notify: a handler needs currencies, a seen-set and a sink")
	}
	return &Handler{currencies: cur, seen: seen, sink: sink}, nil
}

// busEvent is the part of an EventBridge event that Handle reads.
type busEvent struct {
	DetailType string       `json:"detail-type"`
	Detail     events.Event `json:"detail"`
}

// Handle notifies the account holder of the account event in raw, an
// EventBridge event, unless its id was already notified. Event types that
// are not notified (deposits, openings) are ignored.
//
// It returns InvalidArgument when raw is not an EventBridge event whose
// detail is a well-formed withdrawal, reversal or closure (retrying cannot
// help), and otherwise the error of the Currencies, Seen or Sink that
// failed; after such an error the event is not marked seen, so a
// redelivery notifies it.
func (h *Handler) Handle(ctx context.Context, raw []byte) error {
	e, err := decodeBusEvent(raw)
	if err != nil || kindOf(e.Type) == "" {
		return err
	}
	first, err := h.seen.MarkSeen(ctx, e.ID)
	if err != nil || !first {
		return err
	}
	if err := h.notify(ctx, e); err != nil {
		if ferr := h.seen.Forget(context.WithoutCancel(ctx), e.ID); ferr != nil {
			return events.Wrap(events.CodeInternal, ferr, "notify: "+err.Error()+"; and forgetting "+e.ID+" failed, so a redelivery will be dropped")
		}
		return err
	}
	return nil
}

func (h *Handler) notify(ctx context.Context, e events.Event) error {
	n, err := build(ctx, h.currencies, e)
	if err != nil {
		return err
	}
	return h.sink.Send(ctx, n)
}

func decodeBusEvent(raw []byte) (events.Event, error) {
	var be busEvent
	if err := json.Unmarshal(raw, &be); err != nil {
		return events.Event{}, events.Wrap(events.CodeInvalidArgument, err, "notify: not an EventBridge event")
	}
	e := be.Detail
	switch {
	case e.Type != be.DetailType:
		return events.Event{}, events.Errorf(events.CodeInvalidArgument, "notify: detail-type %q does not match the detail's type %q", be.DetailType, e.Type)
	case !events.ValidID(e.Stream) || e.ID == "":
		return events.Event{}, events.Errorf(events.CodeInvalidArgument, "notify: event %q of account %q has no valid id", e.ID, e.Stream)
	}
	return e, nil
}

// CurrencyFunc adapts a function to Currencies.
type CurrencyFunc func(ctx context.Context, account string) (string, error)

// Currency calls f.
func (f CurrencyFunc) Currency(ctx context.Context, account string) (string, error) {
	return f(ctx, account)
}

// FromEventLog returns Currencies that read an account's currency from its
// first event, AccountOpened, which every later event follows in the log.
// Unlike the read model, the log cannot lag behind a published event.
func FromEventLog(store events.EventStore) Currencies {
	return CurrencyFunc(func(ctx context.Context, id string) (string, error) {
		evs, err := store.Read(ctx, id, 1, 1)
		if err != nil {
			return "", err
		}
		if len(evs) == 0 || evs[0].Type != account.AccountOpened {
			return "", events.Errorf(account.CodeAccountNotFound, "notify: account %s has no AccountOpened event", id)
		}
		var o account.Opened
		if err := decode(evs[0], &o); err != nil {
			return "", err
		}
		return o.Currency, nil
	})
}
