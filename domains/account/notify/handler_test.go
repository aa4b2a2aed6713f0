package notify

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

// memSink keeps what it is sent, and fails while fail is set.
type memSink struct {
	mu    sync.Mutex
	notes []Notification
	fail  error
}

func (s *memSink) Send(_ context.Context, n Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.notes = append(s.notes, n)
	return nil
}

func currencies(byAccount map[string]string) Currencies {
	return CurrencyFunc(func(_ context.Context, id string) (string, error) {
		if c, ok := byAccount[id]; ok {
			return c, nil
		}
		return "", events.Errorf(account.CodeAccountNotFound, "no account %s", id)
	})
}

func newTestHandler(t *testing.T, sink Sink, cur map[string]string) *Handler {
	t.Helper()
	seen, err := NewMemorySeen(100)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(currencies(cur), seen, sink)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// busEventJSON wraps an account event as the local bus does.
func busEventJSON(t *testing.T, typ string, currencyAccount, data string) []byte {
	t.Helper()
	e := events.Event{ID: currencyAccount + ":5", Stream: currencyAccount, StreamKey: "account", Version: 5, Type: typ,
		OccurredAt: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), CommandID: "c", Data: json.RawMessage(data)}
	detail, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(map[string]any{"version": "0", "id": e.ID, "detail-type": string(typ), "source": "stepfold.accounts", "detail": json.RawMessage(detail)})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestHandleFixtures(t *testing.T) {
	tests := []struct {
		file string
		want Notification
	}{
		{"withdrawn.json", Notification{EventID: "acc-1:3", Account: "acc-1", Kind: KindWithdrawal,
			Text: "12.34 EUR was withdrawn from account acc-1 on 2026-11-23", OccurredAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}},
		{"reversed.json", Notification{EventID: "acc-1:4", Account: "acc-1", Kind: KindReversal,
			Text: "Deposit acc-1:2 was reversed: 15.00 EUR was taken back from account acc-1 on 2026-11-24", OccurredAt: time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sink := &memSink{}
			h := newTestHandler(t, sink, map[string]string{"acc-1": "EUR"})
			if err := h.Handle(context.Background(), fixture(t, tt.file)); err != nil {
				t.Fatal(err)
			}
			if len(sink.notes) != 1 || sink.notes[0] != tt.want {
				t.Errorf("sent %+v; want %+v", sink.notes, tt.want)
			}
		})
	}
}

func TestHandleBuildsEachKind(t *testing.T) {
	tests := []struct {
		typ      string
		account  string
		data     string
		wantKind Kind
		wantText string
	}{
		{account.FundsWithdrawn, "jp-1", `{"amount":1500}`, KindWithdrawal, "1500 JPY was withdrawn from account jp-1 on 2026-02-01"},
		{account.FundsWithdrawn, "bh-1", `{"amount":1500}`, KindWithdrawal, "1.500 BHD was withdrawn from account bh-1 on 2026-02-01"},
		{account.TransactionReversed, "eu-1", `{"eventId":"eu-1:3","original":"FundsWithdrawn","delta":1234}`, KindReversal,
			"Withdrawal eu-1:3 was reversed: 12.34 EUR was returned to account eu-1 on 2026-02-01"},
		{account.AccountClosed, "eu-1", `{}`, KindClosure, "Account eu-1 was closed on 2026-02-01"},
	}
	cur := map[string]string{"jp-1": "JPY", "bh-1": "BHD", "eu-1": "EUR"}
	for _, tt := range tests {
		t.Run(tt.wantText, func(t *testing.T) {
			sink := &memSink{}
			h := newTestHandler(t, sink, cur)
			if err := h.Handle(context.Background(), busEventJSON(t, tt.typ, tt.account, tt.data)); err != nil {
				t.Fatal(err)
			}
			if len(sink.notes) != 1 || sink.notes[0].Kind != tt.wantKind || sink.notes[0].Text != tt.wantText {
				t.Errorf("sent %+v; want %s %q", sink.notes, tt.wantKind, tt.wantText)
			}
		})
	}
}

func TestHandleRejectsBadEvents(t *testing.T) {
	tests := map[string][]byte{
		"not JSON":             []byte(`{"detail":`),
		"type mismatch":        []byte(`{"detail-type":"FundsWithdrawn","detail":{"id":"a:1","account":"a","type":"AccountClosed"}}`),
		"no id":                []byte(`{"detail-type":"AccountClosed","detail":{"account":"a","type":"AccountClosed"}}`),
		"zero withdrawal":      busEventJSON(t, account.FundsWithdrawn, "eu-1", `{"amount":0}`),
		"negative withdrawal":  busEventJSON(t, account.FundsWithdrawn, "eu-1", `{"amount":-5}`),
		"zero reversal":        busEventJSON(t, account.TransactionReversed, "eu-1", `{"eventId":"eu-1:1","delta":0}`),
		"undecodable data":     busEventJSON(t, account.FundsWithdrawn, "eu-1", `{"amount":"12"}`),
		"unknown currency set": busEventJSON(t, account.FundsWithdrawn, "xx-1", `{"amount":5}`),
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			sink := &memSink{}
			h := newTestHandler(t, sink, map[string]string{"eu-1": "EUR", "xx-1": "ABC"})
			if err := h.Handle(context.Background(), raw); !errors.Is(err, events.ErrInvalidArgument) || len(sink.notes) != 0 {
				t.Errorf("Handle = %v, sent %v; want InvalidArgument and nothing sent", err, sink.notes)
			}
		})
	}
}

func TestHandleIgnoresUnnotifiedTypes(t *testing.T) {
	sink := &memSink{}
	h := newTestHandler(t, sink, map[string]string{"eu-1": "EUR"})
	for _, typ := range []string{account.AccountOpened, account.FundsDeposited} {
		if err := h.Handle(context.Background(), busEventJSON(t, typ, "eu-1", `{"amount":5}`)); err != nil || len(sink.notes) != 0 {
			t.Errorf("Handle(%s) = %v, sent %v; want nil and nothing", typ, err, sink.notes)
		}
	}
}

func TestHandleDedupesRedeliveries(t *testing.T) {
	sink := &memSink{}
	h := newTestHandler(t, sink, map[string]string{"acc-1": "EUR"})
	raw := fixture(t, "withdrawn.json")
	// EventBridge gives a republished event a new id; the detail's id stays.
	republished := []byte(strings.Replace(string(raw), "6f1c2d3e-8a4b-4c5d-9e6f-0a1b2c3d4e5f", "0d9e8f7a-1111-4222-8333-944455556666", 1))
	for _, r := range [][]byte{raw, raw, republished} {
		if err := h.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if len(sink.notes) != 1 {
		t.Errorf("sent %d notifications; want 1", len(sink.notes))
	}
}

func TestHandleRetriesAfterFailure(t *testing.T) {
	down := events.Errorf(events.CodeStoreUnavailable, "disk full")
	tests := map[string]struct {
		sinkErr error
		cur     map[string]string
		want    error
	}{
		"sink fails":         {down, map[string]string{"acc-1": "EUR"}, events.ErrStoreUnavailable},
		"currency not found": {nil, map[string]string{}, account.ErrAccountNotFound},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			sink := &memSink{fail: tt.sinkErr}
			h := newTestHandler(t, sink, tt.cur)
			raw := fixture(t, "withdrawn.json")
			if err := h.Handle(context.Background(), raw); !errors.Is(err, tt.want) {
				t.Fatalf("Handle = %v; want %v", err, tt.want)
			}
			sink.fail, tt.cur["acc-1"] = nil, "EUR"
			if err := h.Handle(context.Background(), raw); err != nil || len(sink.notes) != 1 {
				t.Errorf("redelivery: Handle = %v, sent %d; want the notification sent once", err, len(sink.notes))
			}
		})
	}
}

func TestNewHandlerNeedsEveryPort(t *testing.T) {
	seen, _ := NewMemorySeen(1)
	cur := currencies(nil)
	for _, args := range [][3]any{{nil, seen, &memSink{}}, {cur, nil, &memSink{}}, {cur, seen, nil}} {
		c, _ := args[0].(Currencies)
		s, _ := args[1].(Seen)
		k, _ := args[2].(Sink)
		if _, err := NewHandler(c, s, k); !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("NewHandler(%v) = %v; want InvalidArgument", args, err)
		}
	}
}

// logStore is an EventStore whose log is evs; only Read is implemented.
type logStore struct {
	events.EventStore
	evs []events.Event
}

func (s logStore) Read(_ context.Context, account string, from int64, limit int) ([]events.Event, error) {
	var out []events.Event
	for _, e := range s.evs {
		if e.Stream == account && e.Version >= from && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func TestFromEventLogReadsTheOpeningEvent(t *testing.T) {
	store := logStore{evs: []events.Event{
		{ID: "acc-1:1", Stream: "acc-1", Version: 1, Type: account.AccountOpened, Data: json.RawMessage(`{"currency":"JPY"}`)},
		{ID: "acc-1:2", Stream: "acc-1", Version: 2, Type: account.FundsDeposited, Data: json.RawMessage(`{"amount":5}`)},
	}}
	cur := FromEventLog(store)
	if c, err := cur.Currency(context.Background(), "acc-1"); err != nil || c != "JPY" {
		t.Errorf("Currency(acc-1) = %q, %v; want JPY", c, err)
	}
	if c, err := cur.Currency(context.Background(), "acc-2"); !errors.Is(err, account.ErrAccountNotFound) {
		t.Errorf("Currency(acc-2) = %q, %v; want AccountNotFound", c, err)
	}
}
