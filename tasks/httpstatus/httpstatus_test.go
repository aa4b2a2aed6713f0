package httpstatus_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks/httpstatus"
)

// TestStatus checks every row of the table in docs/architecture.md.
func TestStatus(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{"InvalidCommand", 400},
		{"AccountNotFound", 404},
		{"TransactionNotFound", 404},
		{"AccountAlreadyExists", 409},
		{"AccountClosed", 409},
		{"BalanceNotZero", 409},
		{"TransactionAlreadyReversed", 409},
		{"VersionConflict", 409},
		{"InsufficientFunds", 422},
		{"CurrencyMismatch", 422},
		{"AmountOverflow", 422},
		{"OccurredBeforeOpening", 422},
		{"IdempotencyKeyReused", 422},
		{"Throttled", 503},
		{"StoreUnavailable", 500},
		{"PublishFailed", 500},
		{"Internal", 500},
		{"InvalidArgument", 500},
		{"EventTooLarge", 500},
		{"States.Timeout", 500},
		{"States.Runtime", 500},
		{"SomethingNew", 500},
		{"", 500},
	}
	for _, tt := range tests {
		if got := httpstatus.Status(tt.name); got != tt.want {
			t.Errorf("Status(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestFromError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		want       httpstatus.Body
	}{
		{"rejection", events.Errorf(events.CodeInsufficientFunds, "account a holds 5 EUR; cannot withdraw 9"),
			422, httpstatus.Body{Error: "InsufficientFunds", Message: "account a holds 5 EUR; cannot withdraw 9"}},
		{"wrapped", fmt.Errorf("reading: %w", events.Errorf(events.CodeAccountNotFound, "account a does not exist")),
			404, httpstatus.Body{Error: "AccountNotFound", Message: "account a does not exist"}},
		{"no message", events.Wrap(events.CodeStoreUnavailable, errors.New("disk gone"), ""),
			500, httpstatus.Body{Error: "StoreUnavailable", Message: "disk gone"}},
		{"plain error", errors.New("secret path /var/x"),
			500, httpstatus.Body{Error: "Internal", Message: "internal error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := httpstatus.FromError(tt.err)
			if status != tt.wantStatus || body != tt.want {
				t.Errorf("FromError = %d %+v, want %d %+v", status, body, tt.wantStatus, tt.want)
			}
		})
	}
}
