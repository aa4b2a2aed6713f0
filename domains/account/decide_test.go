package account_test

import (
	"errors"
	"math"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

func TestDecideRejections(t *testing.T) {
	closed := []account.Command{open("a"), {Type: account.CloseAccount, AccountID: "a", CommandID: "close"}}
	funded := []account.Command{open("a"), tx(account.Deposit, "a", "d1", 100), tx(account.Withdraw, "a", "w1", 30)}
	full := []account.Command{open("a"), tx(account.Deposit, "a", "d1", math.MaxInt64)}
	tests := []struct {
		name  string
		given []account.Command
		cmd   account.Command
		want  error
	}{
		{"open twice", []account.Command{open("a")}, open("a"), account.ErrAccountAlreadyExists},
		{"deposit to missing account", nil, tx(account.Deposit, "a", "d", 5), account.ErrAccountNotFound},
		{"withdraw beyond balance", funded, tx(account.Withdraw, "a", "w2", 71), account.ErrInsufficientFunds},
		{"deposit to closed", closed, tx(account.Deposit, "a", "d", 5), account.ErrAccountClosed},
		{"reopen closed", closed, open("a"), account.ErrAccountAlreadyExists},
		{"close with money", funded, account.Command{Type: account.CloseAccount, AccountID: "a", CommandID: "c"}, account.ErrBalanceNotZero},
		{"deposit overflow", full, tx(account.Deposit, "a", "d2", 1), account.ErrAmountOverflow},
		{"currency mismatch", funded, account.Command{Type: account.Deposit, AccountID: "a", CommandID: "d", Amount: 1, Currency: "USD"}, account.ErrCurrencyMismatch},
		{"zero amount", funded, tx(account.Deposit, "a", "d", 0), events.ErrInvalidCommand},
		{"negative amount", funded, tx(account.Withdraw, "a", "w", -5), events.ErrInvalidCommand},
		{"unknown currency", nil, account.Command{Type: account.OpenAccount, AccountID: "a", CommandID: "o", Currency: "XYZ"}, events.ErrInvalidCommand},
		{"lower-case currency", nil, account.Command{Type: account.OpenAccount, AccountID: "a", CommandID: "o", Currency: "eur"}, events.ErrInvalidCommand},
		{"bad account id", nil, account.Command{Type: account.OpenAccount, AccountID: "a/b", CommandID: "o", Currency: "EUR"}, events.ErrInvalidCommand},
		{"account id ..", nil, account.Command{Type: account.OpenAccount, AccountID: "..", CommandID: "o", Currency: "EUR"}, events.ErrInvalidCommand},
		{"empty command id", nil, account.Command{Type: account.OpenAccount, AccountID: "a", Currency: "EUR"}, events.ErrInvalidCommand},
		{"unknown type", nil, account.Command{Type: "Borrow", AccountID: "a", CommandID: "x"}, events.ErrInvalidCommand},
		{"amount on open", nil, account.Command{Type: account.OpenAccount, AccountID: "a", CommandID: "o", Currency: "EUR", Amount: 5}, events.ErrInvalidCommand},
		{"reverse missing event", funded, reverse("a", "r", "a:9"), account.ErrTransactionNotFound},
		{"reverse other account's event", funded, reverse("a", "r", "b:2"), account.ErrTransactionNotFound},
		{"reverse the opening", funded, reverse("a", "r", "a:1"), account.ErrTransactionNotFound},
		{"reverse malformed id", funded, reverse("a", "r", "nonsense"), events.ErrInvalidCommand},
		{"reverse twice", append(funded, reverse("a", "r1", "a:3")), reverse("a", "r2", "a:3"), account.ErrTransactionAlreadyReversed},
		{"reverse deposit into overdraft", funded, reverse("a", "r", "a:2"), account.ErrInsufficientFunds},
	}
	info := account.Domain{}.Info()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, all := history(t, tt.given...)
			data, err := decide(s, all, tt.cmd)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decide = %v, %v; want %v", data, err, tt.want)
			}
			var e *events.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v has no readable message", err)
			}
			if !info.IsRejection(e.Code) || info.Status(e.Code) >= 500 {
				t.Errorf("%s is not a rejection with a 4xx status (%d)", e.Code, info.Status(e.Code))
			}
		})
	}
}

func TestDecideAccepts(t *testing.T) {
	s, all := history(t,
		open("a"),
		tx(account.Deposit, "a", "d1", 1000),
		tx(account.Withdraw, "a", "w1", 250),
		reverse("a", "r1", "a:3"), // the withdrawal comes back
		tx(account.Withdraw, "a", "w2", 1000),
		account.Command{Type: account.CloseAccount, AccountID: "a", CommandID: "c"},
	)
	want := []events.Data{
		account.Opened{Currency: "EUR"}, account.Deposited{Amount: 1000}, account.Withdrawn{Amount: 250},
		account.Reversed{EventID: "a:3", Original: account.FundsWithdrawn, Delta: 250}, account.Withdrawn{Amount: 1000}, account.Closed{},
	}
	if len(all) != len(want) {
		t.Fatalf("got %d events, want %d", len(all), len(want))
	}
	for i, f := range all {
		if !reflect.DeepEqual(f.Data, want[i]) || f.Event.ID != events.EventID("a", int64(i+1)) {
			t.Errorf("event %d = %s %#v; want %#v", i, f.Event.ID, f.Data, want[i])
		}
	}
	if s.Status != account.StatusClosed || s.Balance != 0 || s.Version != 6 || !s.WasReversed(3) || !s.OpenedAt.Equal(t0) {
		t.Errorf("final state = %+v", s)
	}
}

func TestDecodeCommand(t *testing.T) {
	raw, err := os.ReadFile("testdata/deposit.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := account.Domain{}.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := account.Command{Type: account.Deposit, AccountID: "acc-1", CommandID: "c-42", CorrelationID: "req-9",
		Amount: 1500, Currency: "EUR", OccurredAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Reference: "salary"}
	if c != want {
		t.Fatalf("decoded %+v\nwant    %+v", c, want)
	}
	for _, bad := range []string{
		`{"type":"Deposit","accountId":"a","commandId":"c","amount":1,"AMOUNT":1000}`,
		`{"type":"Deposit","accountId":"a","commandId":"c","amount":1,"amount":5000}`,
		`{"type":"Deposit","accountId":"a","commandId":"c","amount":0}`,
		`{"type":"Deposit","accountId":"a","commandId":"c","amount":1,"bogus":true}`,
	} {
		if _, err := (account.Domain{}).Decode([]byte(bad)); !errors.Is(err, events.ErrInvalidCommand) {
			t.Errorf("Decode(%s) = %v, want InvalidCommand", bad, err)
		}
	}
}

func TestMetaNamesTheReversedEvent(t *testing.T) {
	for _, tt := range []struct {
		c    account.Command
		refs []int64
	}{
		{reverse("a", "r", "a:3"), []int64{3}},
		{reverse("a", "r", "b:3"), nil},
		{reverse("a", "r", "junk"), nil},
		{tx(account.Deposit, "a", "d", 1), nil},
	} {
		m := tt.c.Meta()
		if !reflect.DeepEqual(m.Refs, tt.refs) || m.Stream != "a" || m.ID != tt.c.CommandID {
			t.Errorf("Meta(%s %s) = %+v, want refs %v", tt.c.Type, tt.c.EventID, m, tt.refs)
		}
	}
}

// TestDecideRefusesCommandsBeforeTheOpening holds every command on an
// account to the account's opening time: at it is fine, before it is
// OccurredBeforeOpening.
func TestDecideRefusesCommandsBeforeTheOpening(t *testing.T) {
	s, all := history(t, open("a"), tx(account.Deposit, "a", "d1", 100))
	before := t0.Add(-time.Nanosecond)
	for _, c := range []account.Command{
		tx(account.Deposit, "a", "d2", 5), tx(account.Withdraw, "a", "w", 5), reverse("a", "r", "a:2"),
		{Type: account.CloseAccount, AccountID: "a", CommandID: "c"},
	} {
		if _, err := decide(s, all, c); err != nil && !errors.Is(err, account.ErrBalanceNotZero) {
			t.Errorf("%s at the opening: %v", c.Type, err)
		}
		if _, err := (account.Domain{}).Decide(s, c, events.Input{Version: 2, At: before}); !errors.Is(err, account.ErrOccurredBeforeOpening) {
			t.Errorf("%s dated before the opening: %v, want OccurredBeforeOpening", c.Type, err)
		}
	}
}

// TestInfoHoldsTogether checks that every event the domain decides is
// listed, with a definition that reads it back, and that its routes name
// only its command types.
func TestInfoHoldsTogether(t *testing.T) {
	info := account.Domain{}.Info()
	listed := map[string]bool{}
	for _, d := range info.Events {
		listed[d.Type] = true
	}
	for _, typ := range []string{account.AccountOpened, account.FundsDeposited, account.FundsWithdrawn, account.TransactionReversed, account.AccountClosed} {
		if !listed[typ] {
			t.Errorf("event type %s is not in Info().Events", typ)
		}
	}
	commands := map[string]bool{account.OpenAccount: true, account.Deposit: true, account.Withdraw: true,
		account.ReverseTransaction: true, account.CloseAccount: true}
	for _, r := range info.Routes.Commands {
		if !commands[r.Command] {
			t.Errorf("route %q starts %q, which is not a command", r.Path, r.Command)
		}
		delete(commands, r.Command)
	}
	if len(commands) != 0 {
		t.Errorf("commands without a route: %v", commands)
	}
	if info.Status(account.CodeAccountNotFound) != 404 || info.Status(account.CodeInsufficientFunds) != 422 {
		t.Errorf("statuses: AccountNotFound %d, InsufficientFunds %d", info.Status(account.CodeAccountNotFound), info.Status(account.CodeInsufficientFunds))
	}
}
