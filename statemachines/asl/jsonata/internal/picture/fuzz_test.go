package picture

import (
	"errors"
	"regexp"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets check that no picture, number or text makes a function
// panic, stall, return invalid UTF-8 or fail with anything but an *Error
// carrying a known code. Their seed corpora are in testdata/fuzz.

var knownCode = regexp.MustCompile(`^(D30[89]\d|D3100|D311\d|D313\d|TypeError|RangeError|SyntaxError|U1001)$`)

// bounded runs f and fails the test if it does not return within a
// generous limit (the machine may be busy) or returns a bad result.
func bounded(t *testing.T, what string, f func() (string, error)) {
	t.Helper()
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := f()
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		if !utf8.ValidString(r.s) {
			t.Fatalf("%s: invalid UTF-8 %q", what, r.s)
		}
		var pe *Error
		if r.err != nil && (!errors.As(r.err, &pe) || !knownCode.MatchString(pe.Code)) {
			t.Fatalf("%s: unexpected error %#v", what, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no result after 10s", what)
	}
}

func FuzzFormatNumber(f *testing.F) {
	f.Add(12345.6, "#,###.00", "0", ".", ",")
	f.Add(0.234, "0.0e0", "0", ".", ",")
	f.Add(-6.0, "000;(000)", "①", ",", ".")
	f.Fuzz(func(t *testing.T, x float64, picture, zero, decimal, grouping string) {
		df := DefaultDecimalFormat()
		df.ZeroDigit, df.DecimalSeparator, df.GroupingSeparator = zero, decimal, grouping
		bounded(t, "FormatNumber", func() (string, error) { return FormatNumber(x, picture, df) })
	})
}

func FuzzFormatInteger(f *testing.F) {
	f.Add(1234.0, "#,##0;o")
	f.Add(99.0, "Ww;o")
	f.Add(-3.0, "٠٠٠٠")
	f.Fuzz(func(t *testing.T, n float64, picture string) {
		bounded(t, "FormatInteger", func() (string, error) { return FormatInteger(n, picture) })
	})
}

func FuzzParseInteger(f *testing.F) {
	f.Add("1,234th", "#,##0;o")
	f.Add("three thousand, seven hundred and thirty-first", "w;o")
	f.Add("MCMLXXXIV", "I")
	f.Fuzz(func(t *testing.T, s, picture string) {
		bounded(t, "ParseInteger", func() (string, error) {
			v, err := ParseInteger(s, picture)
			return numberToString(v), err
		})
	})
}

func FuzzFromMillis(f *testing.F) {
	f.Add(1521801216617.0, "[FNn], [D1o] [MNn,3-3] [Y] [h]:[m01] [PN] [Z01:01t]", "+0530")
	f.Add(-1e15, "[X0001]-W[W01]-[F1] [dwo] [YI]", "")
	f.Add(8.64e15, "[Y,*-4]-[M,2]-[D01]T[H01]:[m]:[s].[f001][z]", "-0500")
	f.Fuzz(func(t *testing.T, millis float64, picture, timezone string) {
		bounded(t, "FromMillis", func() (string, error) { return FromMillis(millis, &picture, &timezone) })
	})
}

func FuzzToMillis(f *testing.F) {
	f.Add("Wednesday, 14th November 2018", "[FNn], [D1o] [MNn] [Y]", true)
	f.Add("2020-09-09 08:00:00 GMT-05:00", "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]", true)
	f.Add("2018-02-01T09:42:13.123+0000", "", false)
	f.Fuzz(func(t *testing.T, s, picture string, withPicture bool) {
		pic := &picture
		if !withPicture {
			pic = nil
		}
		bounded(t, "ToMillis", func() (string, error) {
			v, _, err := ToMillis(s, pic, 1.6e12)
			return numberToString(v), err
		})
	})
}

func FuzzFormatBase(f *testing.F) {
	f.Add(100.0, 36.0)
	f.Add(-1e300, 2.5)
	f.Fuzz(func(t *testing.T, n, radix float64) {
		bounded(t, "FormatBase", func() (string, error) { return FormatBaseNumber(n, radix) })
	})
}
