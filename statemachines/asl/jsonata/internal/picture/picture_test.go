package picture

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// These cases pin behaviours of JSONata 2.0.6 that its suite does not
// cover, each observed by running the expression with npm jsonata 2.0.6
// on Node 20 (TZ=UTC).

func strp(s string) *string { return &s }

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != code {
		t.Errorf("%s: want error %s, got %v", what, code, err)
	}
}

func TestQuirks(t *testing.T) {
	for _, tc := range []struct {
		expr string
		got  func() (string, error)
		want string
	}{
		// Separators further left than the digits wrap around (substr).
		{`$formatInteger(1234, "#:##,###0")`, func() (string, error) { return FormatInteger(1234, "#:##,###0") }, ",4"},
		{`$formatInteger(12, "#:###,##0")`, func() (string, error) { return FormatInteger(12, "#:###,##0") }, ",:12"},
		{`$formatInteger(1e21, "0")`, func() (string, error) { return FormatInteger(1e21, "0") }, "1e+21"},
		{`$formatNumber(1e21, "#,##0.00")`, func() (string, error) { return FormatNumber(1e21, "#,##0.00", DefaultDecimalFormat()) }, "1e,+21.00"},
		// "-0530" is read as the integer -530: hours -6, minutes -30.
		{`$fromMillis(0, "[H]", "-0530")`, func() (string, error) { return FromMillis(0, strp("[H]"), strp("-0530")) }, "17"},
		{`$fromMillis(0, "[Z0]", "-0530")`, func() (string, error) { return FromMillis(0, strp("[Z0]"), strp("-0530")) }, "-6:-30"},
		{`$fromMillis(0, "[Y0001]", "0x10")`, func() (string, error) { return FromMillis(0, strp("[Y0001]"), strp("0x10")) }, "1970"},
		// Invalid dates and components without a value.
		{`$fromMillis(1e20)`, func() (string, error) { return FromMillis(1e20, nil, nil) }, "0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ"},
		{`$fromMillis(1e20, "[MNn]")`, func() (string, error) { return FromMillis(1e20, strp("[MNn]"), nil) }, "undefined"},
		{`$fromMillis(0, "[q1]")`, func() (string, error) { return FromMillis(0, strp("[q1]"), nil) }, "undefined"},
		{`$fromMillis(0, "[,2]")`, func() (string, error) { return FromMillis(0, strp("[,2]"), nil) }, "undefined"},
		{`$fromMillis(0, "[Y,2-]")`, func() (string, error) { return FromMillis(0, strp("[Y,2-]"), nil) }, "NaN"},
		{`$fromMillis(0, "")`, func() (string, error) { return FromMillis(0, strp(""), nil) }, ""},
		{`$fromMillis(0, "[Y]", "")`, func() (string, error) { return FromMillis(0, strp("[Y]"), strp("")) }, "NaN"},
	} {
		got, err := tc.got()
		if err != nil || got != tc.want {
			t.Errorf("%s = %q, %v; want %q", tc.expr, got, err, tc.want)
		}
	}
}

func TestParseQuirks(t *testing.T) {
	if v, err := ParseInteger("0x10", "0"); err != nil || v != 16 {
		t.Errorf(`$parseInteger("0x10", "0") = %v, %v; want 16 (parseInt reads hex)`, v, err)
	}
	if v, err := ParseInteger("abc", "0"); err != nil || !math.IsNaN(v) {
		t.Errorf(`$parseInteger("abc", "0") = %v, %v; want NaN`, v, err)
	}
	for _, tc := range []struct {
		s    string
		want float64
	}{
		{"2018.5", 1525132800000},        // V8's legacy parser: year, then month
		{"2018Z", 1514764800000},         // a zone with no time
		{"2018T10:00:00", 1514800800000}, // local time, which is UTC
		{"2018-02-01T09:42:13.1239Z", 1517478133123},
		{"2018-13", math.NaN()},
		{"2018-01-01-01", math.NaN()},
	} {
		v, ok, err := ToMillis(tc.s, nil, 0)
		if err != nil || !ok || !(v == tc.want || math.IsNaN(v) && math.IsNaN(tc.want)) {
			t.Errorf("$toMillis(%q) = %v, %v, %v; want %v", tc.s, v, ok, err, tc.want)
		}
	}
}

func TestJavaScriptErrors(t *testing.T) {
	_, err := FormatNumber(1, "0."+strings.Repeat("#", 101), DefaultDecimalFormat())
	wantCode(t, "toFixed beyond 100 digits", err, "RangeError")
	_, err = FormatNumber(1, "abc", DefaultDecimalFormat())
	wantCode(t, "a picture without active characters", err, "TypeError")
	// Every sub-picture is split before any is validated, so the second
	// one's missing active characters win over the first one's D3090.
	_, err = FormatNumber(2000, "0,#000;‰", DefaultDecimalFormat())
	wantCode(t, "a second sub-picture without active characters", err, "TypeError")
	_, err = FormatInteger(1e7, "I")
	wantCode(t, "ten thousand roman M's", err, "RangeError")
	_, err = FromMillis(0, strp("[fN]"), nil)
	wantCode(t, "names for fractional seconds", err, "TypeError")
	_, err = ParseInteger("a,b", "#,##١")
	wantCode(t, "mapping a letter out of the Arabic-Indic digits", err, "RangeError")
	_, err = FromMillis(0, strp("[Y,200000]"), nil)
	wantCode(t, "a 200,000-digit year (JSONata builds it; this package stops at 65,536)", err, "RangeError")
}

// TestNeverEnds covers the calls for which JSONata 2.0.6 loops forever.
func TestNeverEnds(t *testing.T) {
	for _, tc := range []struct {
		x       float64
		picture string
	}{{0, "0e0"}, {-1.5, "0.0e0"}, {-1.5, "0.0e0;0.0e0"}, {math.Copysign(0, -1), "#.00e0"}, {math.Inf(1), "0e0"}} {
		_, err := FormatNumber(tc.x, tc.picture, DefaultDecimalFormat())
		wantCode(t, "$formatNumber of "+numberToString(tc.x)+" by "+tc.picture, err, "U1001")
	}
	_, err := FormatInteger(math.Inf(1), "a")
	wantCode(t, "letters for Infinity", err, "U1001")
	if _, err := FormatNumber(1.5, "0.0e0", DefaultDecimalFormat()); err != nil {
		t.Errorf("a positive number with an exponent picture: %v", err)
	}
}

func TestNumberHelpers(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		f    int
		want string
	}{{0.5, 0, "1"}, {2.5, 0, "3"}, {1.005, 2, "1.00"}, {0.125, 2, "0.13"}, {1e21, 2, "1e+21"}, {123.456, 10, "123.4560000000"}, {-0.0001, 2, "-0.00"}} {
		if got, _ := toFixed(tc.x, tc.f); got != tc.want {
			t.Errorf("(%v).toFixed(%d) = %q, want %q", tc.x, tc.f, got, tc.want)
		}
	}
	for x, want := range map[float64]string{5e-7: "5e-7", 1e-7: "1e-7", 123e-20: "1.23e-18", 1e21: "1e+21", 123456789012: "123456789012", 0.000001: "0.000001"} {
		if got := numberToString(x); got != want {
			t.Errorf("String(%v) = %q, want %q", x, got, want)
		}
	}
	for _, tc := range []struct {
		x     float64
		radix int
		want  string
	}{{math.Pow(2, 53), 3, "1121202011211211122211100012101112"}, {math.Pow(2, 70), 7, "6106454640561632564000000"}, {-255, 16, "-ff"}, {1e21, 36, "5v1j4f4ds7c000"}} {
		if got := toRadixString(tc.x, tc.radix); got != tc.want {
			t.Errorf("(%v).toString(%d) = %q, want %q", tc.x, tc.radix, got, tc.want)
		}
	}
	if got := jsRound(0.49999999999999994); got != 0 {
		t.Errorf("Math.round(0.49999999999999994) = %v", got)
	}
	if got := jsRound(-0.5); got != 0 || !math.Signbit(got) {
		t.Errorf("Math.round(-0.5) = %v, want -0", got)
	}
}

func TestConveniences(t *testing.T) {
	iso, err := FormatDateTime(1509380732935, "", "")
	if err != nil || iso != "2017-10-30T16:25:32.935Z" {
		t.Errorf("FormatDateTime with no picture = %q, %v", iso, err)
	}
	local, err := FormatDateTime(1509380732935, "", "-0500")
	if err != nil || local != "2017-10-30T11:25:32.935-05:00" {
		t.Errorf("FormatDateTime in -0500 = %q, %v", local, err)
	}
	ms, ok, err := ParseDateTime("2017-10-30", "")
	if err != nil || !ok || ms != 1509321600000 {
		t.Errorf("ParseDateTime ISO = %d, %v, %v", ms, ok, err)
	}
	if _, ok, err := ParseDateTime("2018-13", ""); ok || err != nil {
		t.Errorf("ParseDateTime of a NaN date = %v, %v; want not ok", ok, err)
	}
	if _, ok, err := ParseDateTime("Hello", "Hello"); ok || err != nil {
		t.Errorf("ParseDateTime without components = %v, %v; want not ok", ok, err)
	}
	// A time alone takes today's date from the clock.
	before := time.Now().UTC()
	ms, ok, err = ParseDateTime("13:45", "[H]:[m]")
	after := time.Now().UTC()
	got := time.UnixMilli(ms).UTC()
	if err != nil || !ok || got.Hour() != 13 || got.Minute() != 45 || (got.YearDay() != before.YearDay() && got.YearDay() != after.YearDay()) {
		t.Errorf("ParseDateTime(13:45) = %v, %v, %v", got, ok, err)
	}
	if s, err := FormatBase(-100, 2); err != nil || s != "-1100100" {
		t.Errorf("FormatBase = %q, %v", s, err)
	}
	_, err = FormatBase(100, 37)
	wantCode(t, "radix 37", err, "D3100")
	if e := (&Error{Code: "D3100", Message: "m"}).Error(); e != "D3100: m" {
		t.Errorf("Error() = %q", e)
	}
}
