package events_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// history replays the commands through Decide and Replay, failing the test
// on any rejection, and returns the state and every event.
func history(t *testing.T, cmds ...events.Command) (events.State, []events.Event) {
	t.Helper()
	var s events.State
	var all []events.Event
	for i, c := range cmds {
		evs, err := events.Decide(s, c, original(all, c), t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatalf("command %d (%s): %v", i, c.Type, err)
		}
		if s, err = events.Replay(s, evs); err != nil {
			t.Fatalf("replay command %d: %v", i, err)
		}
		all = append(all, evs...)
	}
	return s, all
}

// original finds the event a ReverseTransaction names, as a store would.
func original(all []events.Event, c events.Command) *events.Event {
	for i := range all {
		if all[i].ID == c.EventID {
			return &all[i]
		}
	}
	return nil
}

func open(id string) events.Command {
	return events.Command{Type: events.OpenAccount, AccountID: id, CommandID: "open-" + id, Currency: "EUR"}
}

func tx(typ events.CommandType, id, cmd string, amount int64) events.Command {
	return events.Command{Type: typ, AccountID: id, CommandID: cmd, Amount: amount}
}

func reverse(id, cmd, eventID string) events.Command {
	return events.Command{Type: events.ReverseTransaction, AccountID: id, CommandID: cmd, EventID: eventID}
}

func TestDecideRejections(t *testing.T) {
	closed := []events.Command{open("a"), {Type: events.CloseAccount, AccountID: "a", CommandID: "close"}}
	funded := []events.Command{open("a"), tx(events.Deposit, "a", "d1", 100), tx(events.Withdraw, "a", "w1", 30)}
	full := []events.Command{open("a"), tx(events.Deposit, "a", "d1", math.MaxInt64)}
	tests := []struct {
		name  string
		given []events.Command
		cmd   events.Command
		want  error
	}{
		{"open twice", []events.Command{open("a")}, open("a"), events.ErrAccountAlreadyExists},
		{"deposit to missing account", nil, tx(events.Deposit, "a", "d", 5), events.ErrAccountNotFound},
		{"withdraw beyond balance", funded, tx(events.Withdraw, "a", "w2", 71), events.ErrInsufficientFunds},
		{"deposit to closed", closed, tx(events.Deposit, "a", "d", 5), events.ErrAccountClosed},
		{"reopen closed", closed, open("a"), events.ErrAccountAlreadyExists},
		{"close with money", funded, events.Command{Type: events.CloseAccount, AccountID: "a", CommandID: "c"}, events.ErrBalanceNotZero},
		{"deposit overflow", full, tx(events.Deposit, "a", "d2", 1), events.ErrAmountOverflow},
		{"currency mismatch", funded, events.Command{Type: events.Deposit, AccountID: "a", CommandID: "d", Amount: 1, Currency: "USD"}, events.ErrCurrencyMismatch},
		{"zero amount", funded, tx(events.Deposit, "a", "d", 0), events.ErrInvalidCommand},
		{"negative amount", funded, tx(events.Withdraw, "a", "w", -5), events.ErrInvalidCommand},
		{"unknown currency", nil, events.Command{Type: events.OpenAccount, AccountID: "a", CommandID: "o", Currency: "XYZ"}, events.ErrInvalidCommand},
		{"lower-case currency", nil, events.Command{Type: events.OpenAccount, AccountID: "a", CommandID: "o", Currency: "eur"}, events.ErrInvalidCommand},
		{"bad account id", nil, events.Command{Type: events.OpenAccount, AccountID: "a/b", CommandID: "o", Currency: "EUR"}, events.ErrInvalidCommand},
		{"empty command id", nil, events.Command{Type: events.OpenAccount, AccountID: "a", Currency: "EUR"}, events.ErrInvalidCommand},
		{"unknown type", nil, events.Command{Type: "Borrow", AccountID: "a", CommandID: "x"}, events.ErrInvalidCommand},
		{"amount on open", nil, events.Command{Type: events.OpenAccount, AccountID: "a", CommandID: "o", Currency: "EUR", Amount: 5}, events.ErrInvalidCommand},
		{"reverse missing event", funded, reverse("a", "r", "a:9"), events.ErrTransactionNotFound},
		{"reverse other account's event", funded, reverse("a", "r", "b:2"), events.ErrTransactionNotFound},
		{"reverse the opening", funded, reverse("a", "r", "a:1"), events.ErrTransactionNotFound},
		{"reverse malformed id", funded, reverse("a", "r", "nonsense"), events.ErrInvalidCommand},
		{"reverse twice", append(funded, reverse("a", "r1", "a:3")), reverse("a", "r2", "a:3"), events.ErrTransactionAlreadyReversed},
		{"reverse deposit into overdraft", funded, reverse("a", "r", "a:2"), events.ErrInsufficientFunds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, all := history(t, tt.given...)
			evs, err := events.Decide(s, tt.cmd, original(all, tt.cmd), t0)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decide = %v, %v; want %v", evs, err, tt.want)
			}
			var e *events.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v has no readable message", err)
			}
			if !events.IsRejection(err) {
				t.Errorf("IsRejection(%v) = false", err)
			}
		})
	}
}

func TestDecideAccepts(t *testing.T) {
	s, all := history(t,
		open("a"),
		tx(events.Deposit, "a", "d1", 1000),
		tx(events.Withdraw, "a", "w1", 250),
		reverse("a", "r1", "a:3"), // the withdrawal comes back
		tx(events.Withdraw, "a", "w2", 1000),
		events.Command{Type: events.CloseAccount, AccountID: "a", CommandID: "c"},
	)
	want := []events.EventType{events.AccountOpened, events.FundsDeposited, events.FundsWithdrawn,
		events.TransactionReversed, events.FundsWithdrawn, events.AccountClosed}
	if len(all) != len(want) {
		t.Fatalf("got %d events, want %d", len(all), len(want))
	}
	for i, e := range all {
		if e.Type != want[i] || e.Version != int64(i+1) || e.ID != events.EventID("a", int64(i+1)) {
			t.Errorf("event %d = %s v%d %s; want %s v%d", i, e.Type, e.Version, e.ID, want[i], i+1)
		}
	}
	if s.Status != events.StatusClosed || s.Balance != 0 || s.Version != 6 || !s.WasReversed(3) {
		t.Errorf("final state = %+v", s)
	}
}

func TestDecideKeepsBusinessTime(t *testing.T) {
	when := time.Date(2020, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	c := open("a")
	c.OccurredAt = when
	evs, err := events.Decide(events.State{}, c, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !evs[0].OccurredAt.Equal(when) || evs[0].OccurredAt.Location() != time.UTC {
		t.Errorf("OccurredAt = %v, want %v in UTC", evs[0].OccurredAt, when)
	}
	evs, _ = events.Decide(events.State{}, open("b"), nil, t0)
	if !evs[0].OccurredAt.Equal(t0) {
		t.Errorf("default OccurredAt = %v, want now %v", evs[0].OccurredAt, t0)
	}
}

func TestCommandJSON(t *testing.T) {
	raw, err := os.ReadFile("testdata/deposit.json")
	if err != nil {
		t.Fatal(err)
	}
	var c events.Command
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	want := events.Command{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-42", CorrelationID: "req-9",
		Amount: 1500, Currency: "EUR", OccurredAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Reference: "salary"}
	if c != want {
		t.Fatalf("decoded %+v\nwant    %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestDecideRefusesCommandsBeforeTheOpening holds every command on an
// account to the account's opening time: at it is fine, before it is
// OccurredBeforeOpening, and a command without a time is dated now.
func TestDecideRefusesCommandsBeforeTheOpening(t *testing.T) {
	opened := open("a")
	opened.OccurredAt = t0
	s, all := history(t, opened, tx(events.Deposit, "a", "d1", 100))
	if !s.OpenedAt.Equal(t0) {
		t.Fatalf("OpenedAt = %v, want %v", s.OpenedAt, t0)
	}
	before := t0.Add(-time.Nanosecond)
	for _, c := range []events.Command{
		tx(events.Deposit, "a", "d2", 5), tx(events.Withdraw, "a", "w", 5), reverse("a", "r", "a:2"),
		{Type: events.CloseAccount, AccountID: "a", CommandID: "c"},
	} {
		at := c
		at.OccurredAt = t0
		if _, err := events.Decide(s, at, original(all, at), t0); err != nil && !errors.Is(err, events.ErrBalanceNotZero) {
			t.Errorf("%s at the opening: %v", c.Type, err)
		}
		at.OccurredAt = before
		if _, err := events.Decide(s, at, original(all, at), t0); !errors.Is(err, events.ErrOccurredBeforeOpening) {
			t.Errorf("%s dated before the opening: %v, want OccurredBeforeOpening", c.Type, err)
		}
		if _, err := events.Decide(s, c, original(all, c), before); !errors.Is(err, events.ErrOccurredBeforeOpening) {
			t.Errorf("%s with no time, now before the opening: %v, want OccurredBeforeOpening", c.Type, err)
		}
	}
}
