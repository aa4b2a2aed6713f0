package notify

import (
	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

// Exponent returns the decimal places of currency's minor unit, from the
// one ISO 4217 table in package events (account.Exponent). It returns
// InvalidArgument for a code that is not an active ISO 4217 currency.
func Exponent(currency string) (int, error) {
	if !account.ValidCurrency(currency) {
		return 0, events.Errorf(events.CodeInvalidArgument, "notify: %q is not an ISO 4217 currency", currency)
	}
	return account.Exponent(currency), nil
}

// FormatAmount formats minor units of currency for a person, as
// account.FormatAmount does: "12.34 EUR" for 1234 EUR, "1234 JPY" for 1234
// JPY and "-1.234 BHD" for -1234 BHD. It returns InvalidArgument for a code
// that is not an active ISO 4217 currency.
func FormatAmount(minor int64, currency string) (string, error) {
	if _, err := Exponent(currency); err != nil {
		return "", err
	}
	return account.FormatAmount(minor, currency), nil
}
