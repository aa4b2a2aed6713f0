package notify

import (
	"errors"
	"math"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		minor    int64
		currency string
		want     string
	}{
		{1234, "EUR", "12.34 EUR"},
		{5, "EUR", "0.05 EUR"},
		{50, "USD", "0.50 USD"},
		{0, "EUR", "0.00 EUR"},
		{-1234, "EUR", "-12.34 EUR"},
		{-5, "EUR", "-0.05 EUR"},
		{1234, "JPY", "1234 JPY"},
		{0, "KRW", "0 KRW"},
		{-7, "JPY", "-7 JPY"},
		{1234, "BHD", "1.234 BHD"},
		{5, "KWD", "0.005 KWD"},
		{1000, "OMR", "1.000 OMR"},
		{math.MaxInt64, "EUR", "92233720368547758.07 EUR"},
		{math.MinInt64, "EUR", "-92233720368547758.08 EUR"},
		{math.MinInt64, "JPY", "-9223372036854775808 JPY"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got, err := FormatAmount(tt.minor, tt.currency); err != nil || got != tt.want {
				t.Errorf("FormatAmount(%d, %s) = %q, %v; want %q", tt.minor, tt.currency, got, err, tt.want)
			}
		})
	}
}

func TestFormatAmountRejectsUnknownCurrencies(t *testing.T) {
	for _, c := range []string{"", "eur", "EURO", "XXX", "€"} {
		if got, err := FormatAmount(100, c); !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("FormatAmount(100, %q) = %q, %v; want InvalidArgument", c, got, err)
		}
	}
}
