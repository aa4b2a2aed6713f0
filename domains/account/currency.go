package account

import (
	"strconv"
	"strings"
)

// iso4217 lists the active ISO 4217 alphabetic codes.
const iso4217 = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
	"CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD " +
	"HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD " +
	"MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG " +
	"QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD " +
	"TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"

// The ISO 4217 exponents (decimal places of the minor unit) of the codes
// above that do not have two: every other code has two.
const (
	exponent0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
	exponent3 = "BHD IQD JOD KWD LYD OMR TND"
)

// ValidCurrency reports whether code is an active ISO 4217 currency code,
// such as "EUR".
func ValidCurrency(code string) bool {
	return listed(iso4217, code)
}

// listed reports whether code, three capital letters, is in list.
func listed(list, code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return strings.Contains(list, code)
}

// Exponent returns the ISO 4217 exponent of currency, the number of decimal
// places of its minor unit: 0 for JPY, 2 for EUR, 3 for BHD. A code that
// ValidCurrency refuses gets 2.
func Exponent(currency string) int {
	switch {
	case listed(exponent0, currency):
		return 0
	case listed(exponent3, currency):
		return 3
	}
	return 2
}

// FormatAmount formats minor units of currency for a person, with the
// currency's exponent: "10.00 EUR" for 1000 EUR, "1000 JPY" for 1000 JPY,
// "-1.234 BHD" for -1234 BHD. It works in integers, so every int64 formats
// exactly. Every message that shows an amount formats it with this.
func FormatAmount(minor int64, currency string) string {
	digits := strconv.FormatInt(minor, 10)
	sign := ""
	if d, ok := strings.CutPrefix(digits, "-"); ok {
		sign, digits = "-", d
	}
	return sign + decimal(digits, Exponent(currency)) + " " + currency
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
