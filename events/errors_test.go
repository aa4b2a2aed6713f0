package events_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestErrorMatching(t *testing.T) {
	err := fmt.Errorf("persist: %w", events.Wrap(events.CodeThrottled, io.ErrUnexpectedEOF, "table busy"))
	if !errors.Is(err, events.ErrThrottled) || errors.Is(err, events.ErrVersionConflict) {
		t.Error("errors.Is does not match by code")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable through Unwrap")
	}
	var e *events.Error
	if !errors.As(err, &e) || e.Code != events.CodeThrottled || e.Message != "table busy" {
		t.Errorf("errors.As = %+v", e)
	}
	if !events.Retryable(err) || events.IsRejection(err) {
		t.Error("throttling must be retryable and not a rejection")
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		err  error
		want events.Code
	}{
		{nil, ""},
		{io.EOF, events.CodeInternal},
		{events.Errorf(events.CodeInsufficientFunds, "no"), events.CodeInsufficientFunds},
		{fmt.Errorf("x: %w", events.ErrVersionConflict), events.CodeVersionConflict},
	}
	for _, tt := range tests {
		if got := events.ErrorCode(tt.err); got != tt.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *events.Error
		want string
	}{
		{events.ErrAccountNotFound, "AccountNotFound"},
		{events.Errorf(events.CodeAccountNotFound, "account %s does not exist", "a"), "AccountNotFound: account a does not exist"},
		{events.Wrap(events.CodeStoreUnavailable, io.EOF, "open store"), "StoreUnavailable: open store: EOF"},
		{&events.Error{Code: events.CodeInternal, Err: io.EOF}, "Internal: EOF"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestCheckAppend(t *testing.T) {
	good := ledger(t, "a", 2)
	big := good[1]
	big.Data = []byte(`{"amount":1,"reference":"` + string(make([]byte, 0)) + fmt.Sprintf("%0*d", events.MaxEventSize, 0) + `"}`)
	tests := []struct {
		name     string
		account  string
		expected int64
		evs      []events.Event
		cmd      string
		fp       events.Fingerprint
		want     error
	}{
		{"valid", "a", 0, good[:1], "c0", "", nil},
		{"valid with a fingerprint", "a", 0, good[:1], "c0", events.Fingerprint(strings.Repeat("f", events.MaxFingerprintLength)), nil},
		{"empty account", "", 0, good[:1], "c0", "", events.ErrInvalidArgument},
		{"negative expected", "a", -1, good[:1], "c0", "", events.ErrInvalidArgument},
		{"no events", "a", 0, nil, "c0", "", events.ErrInvalidArgument},
		{"wrong version", "a", 1, good[:1], "c0", "", events.ErrInvalidArgument},
		{"wrong command", "a", 0, good[:1], "c9", "", events.ErrInvalidArgument},
		{"too large", "a", 1, []events.Event{big}, "c1", "", events.ErrEventTooLarge},
		{"fingerprint too long", "a", 0, good[:1], "c0", events.Fingerprint(strings.Repeat("f", events.MaxFingerprintLength+1)), events.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.CheckAppend(tt.account, tt.expected, tt.evs, tt.cmd, tt.fp)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("CheckAppend = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestValidCurrency(t *testing.T) {
	for code, want := range map[string]bool{"EUR": true, "JPY": true, "USD": true, "eur": false, "EU": false, "EURO": false, "XYZ": false, "D A": false, "": false} {
		if got := events.ValidCurrency(code); got != want {
			t.Errorf("ValidCurrency(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestCheckAppendRejectsUnfoldableEvents(t *testing.T) {
	good := ledger(t, "a", 1)[0]
	unknown, badData := good, good
	unknown.Type = "FundsBorrowed"
	badData.Data = []byte(`{"currency":`)
	for name, e := range map[string]events.Event{"unknown type": unknown, "invalid data": badData} {
		if err := events.CheckAppend("a", 0, []events.Event{e}, "c0", ""); !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("%s: CheckAppend = %v, want InvalidArgument", name, err)
		}
	}
}

func TestIsRejection(t *testing.T) {
	for _, c := range []events.Code{events.CodeInvalidCommand, events.CodeAccountNotFound, events.CodeAccountAlreadyExists,
		events.CodeAccountClosed, events.CodeInsufficientFunds, events.CodeBalanceNotZero, events.CodeCurrencyMismatch,
		events.CodeAmountOverflow, events.CodeTransactionNotFound, events.CodeTransactionAlreadyReversed,
		events.CodeOccurredBeforeOpening, events.CodeIdempotencyKeyReused} {
		if !events.IsRejection(events.Errorf(c, "no")) {
			t.Errorf("IsRejection(%s) = false", c)
		}
	}
	for _, c := range []events.Code{events.CodeVersionConflict, events.CodeThrottled, events.CodeStoreUnavailable, events.CodeInternal} {
		if events.IsRejection(events.Errorf(c, "no")) {
			t.Errorf("IsRejection(%s) = true", c)
		}
	}
}
