package account

import (
	"strings"
	"testing"
)

// TestExponentTableListsActiveCodes holds the exponent table to the
// currency list beside it: every code it names is an active code.
func TestExponentTableListsActiveCodes(t *testing.T) {
	for _, list := range []string{exponent0, exponent3} {
		for _, code := range strings.Fields(list) {
			if !ValidCurrency(code) {
				t.Errorf("%s has an exponent but is not in the ISO 4217 list", code)
			}
		}
	}
}
