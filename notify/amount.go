package notify

import (
	"strconv"
	"strings"

	"github.com/stepfold/stepfold/events"
)

// exponent is the ISO 4217 table of the currencies whose minor unit is not a
// hundredth: the number of decimal places of the minor unit.
func exponent(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
		"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// Exponent returns the decimal places of currency's minor unit: 2 unless
// the currency is listed otherwise. It returns InvalidArgument for a code
// that is not an active ISO 4217 currency.
func Exponent(currency string) (int, error) {
	if !events.ValidCurrency(currency) {
		return 0, events.Errorf(events.CodeInvalidArgument, "notify: %q is not an ISO 4217 currency", currency)
	}
	return exponent(currency), nil
}

// FormatAmount formats minor units of currency for a person, such as
// "12.34 EUR" for 1234 EUR, "1234 JPY" for 1234 JPY and "-1.234 BHD" for
// -1234 BHD. It works in integers, so every int64 formats exactly.
func FormatAmount(minor int64, currency string) (string, error) {
	exp, err := Exponent(currency)
	if err != nil {
		return "", err
	}
	digits := strconv.FormatInt(minor, 10)
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	return sign + decimal(digits, exp) + " " + currency, nil
}

// decimal places a point exp digits from the right of digits, padding with
// zeros so that there is a digit before it.
func decimal(digits string, exp int) string {
	if exp == 0 {
		return digits
	}
	if pad := exp + 1 - len(digits); pad > 0 {
		digits = strings.Repeat("0", pad) + digits
	}
	cut := len(digits) - exp
	return digits[:cut] + "." + digits[cut:]
}
