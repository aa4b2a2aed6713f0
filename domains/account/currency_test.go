package account_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

func TestFormatAmount(t *testing.T) {
	for _, tt := range []struct {
		minor    int64
		currency string
		want     string
	}{
		{1000, "EUR", "10.00 EUR"},
		{5, "EUR", "0.05 EUR"},
		{0, "USD", "0.00 USD"},
		{-1234, "EUR", "-12.34 EUR"},
		{1000, "JPY", "1000 JPY"},
		{-7, "KRW", "-7 KRW"},
		{1234, "BHD", "1.234 BHD"},
		{5, "KWD", "0.005 KWD"},
		{math.MaxInt64, "EUR", "92233720368547758.07 EUR"},
		{math.MinInt64, "BHD", "-9223372036854775.808 BHD"},
		{math.MinInt64, "JPY", "-9223372036854775808 JPY"},
	} {
		if got := account.FormatAmount(tt.minor, tt.currency); got != tt.want {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", tt.minor, tt.currency, got, tt.want)
		}
	}
}

func TestExponent(t *testing.T) {
	for code, want := range map[string]int{"EUR": 2, "USD": 2, "JPY": 0, "ISK": 0, "XOF": 0, "BHD": 3, "TND": 3, "eur": 2, "": 2} {
		if got := account.Exponent(code); got != want {
			t.Errorf("Exponent(%q) = %d, want %d", code, got, want)
		}
	}
}

// TestRejectionsFormatAmounts checks that every message that shows an
// amount shows it in the account's currency, with its exponent.
func TestRejectionsFormatAmounts(t *testing.T) {
	for _, tc := range []struct {
		currency string
		want     string
	}{
		{"EUR", "account a holds 10.00 EUR; cannot withdraw 10.01 EUR"},
		{"JPY", "account a holds 1000 JPY; cannot withdraw 1001 JPY"},
		{"BHD", "account a holds 1.000 BHD; cannot withdraw 1.001 BHD"},
	} {
		o := open("a")
		o.Currency = tc.currency
		s, all := history(t, o, tx(account.Deposit, "a", "d1", 1000))
		_, err := decide(s, all, tx(account.Withdraw, "a", "w1", 1001))
		if msg := message(t, err, account.ErrInsufficientFunds); msg != tc.want {
			t.Errorf("%s: %q, want %q", tc.currency, msg, tc.want)
		}
	}
	s, all := history(t, open("a"), tx(account.Deposit, "a", "d1", 1000), tx(account.Withdraw, "a", "w1", 600))
	_, err := decide(s, all, account.Command{Type: account.CloseAccount, AccountID: "a", CommandID: "c"})
	if msg := message(t, err, account.ErrBalanceNotZero); !strings.Contains(msg, "holds 4.00 EUR;") {
		t.Errorf("BalanceNotZero: %q", msg)
	}
	_, err = decide(s, all, reverse("a", "r", "a:2"))
	if msg := message(t, err, account.ErrInsufficientFunds); !strings.Contains(msg, "from 4.00 EUR to -6.00 EUR") {
		t.Errorf("reversal: %q", msg)
	}
	s, all = history(t, open("a"), tx(account.Deposit, "a", "d1", math.MaxInt64-5))
	_, err = decide(s, all, tx(account.Deposit, "a", "d2", 600))
	if msg := message(t, err, account.ErrAmountOverflow); !strings.Contains(msg, "depositing 6.00 EUR into account a would overflow its balance of 92233720368547758.02 EUR") {
		t.Errorf("AmountOverflow: %q", msg)
	}
}

// message returns the message of err, which must match want.
func message(t *testing.T, err, want error) string {
	t.Helper()
	var e *events.Error
	if !errors.Is(err, want) || !errors.As(err, &e) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	return e.Message
}
