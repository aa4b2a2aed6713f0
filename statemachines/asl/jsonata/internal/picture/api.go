package picture

import (
	"math"
	"time"
)

// FormatInteger formats n by an fn:format-integer picture such as "#,##0",
// "a", "I", "w" or "1;o", as $formatInteger(n, picture) does; n is
// rounded down to an integer first.
func FormatInteger(n float64, picture string) (string, error) {
	f, err := analyseInteger(toJS(picture))
	if err != nil {
		return "", err
	}
	s, err := f.format(math.Floor(n))
	if err != nil {
		return "", err
	}
	return s.String(), nil
}

// ParseInteger reads s by an fn:format-integer picture, as
// $parseInteger(s, picture) does. Like JSONata it does not check s
// against the picture: text that does not read as a number gives NaN.
func ParseInteger(s, picture string) (float64, error) {
	f, err := analyseInteger(toJS(picture))
	if err != nil {
		return 0, err
	}
	m, err := integerMatcher(f)
	if err != nil {
		return 0, err
	}
	v, err := m.parse(toJS(s))
	return v.num, err
}

// DecimalFormat holds the properties of $formatNumber's options object,
// one field per member: "decimal-separator", "grouping-separator",
// "exponent-separator", "minus-sign", "infinity", "NaN", "percent",
// "per-mille", "zero-digit", "digit" (OptionalDigit) and
// "pattern-separator". JSONata reads them as strings; Infinity and NaN
// are accepted but, as in JSONata, not used.
type DecimalFormat struct {
	DecimalSeparator, GroupingSeparator, ExponentSeparator, MinusSign, Infinity, NaN, Percent, PerMille, ZeroDigit, OptionalDigit, PatternSeparator string
}

// DefaultDecimalFormat returns the decimal format $formatNumber starts
// from before applying its options.
func DefaultDecimalFormat() DecimalFormat {
	return DecimalFormat{
		DecimalSeparator:  ".",
		GroupingSeparator: ",",
		ExponentSeparator: "e",
		MinusSign:         "-",
		Infinity:          "Infinity",
		NaN:               "NaN",
		Percent:           "%",
		PerMille:          "\u2030",
		ZeroDigit:         "0",
		OptionalDigit:     "#",
		PatternSeparator:  ";",
	}
}

// FormatDateTime formats millis (milliseconds since the Unix epoch) as
// $fromMillis(millis, picture, timezone) does, by an fn:format-dateTime
// picture in a timezone written "±HHMM". An empty picture formats as ISO
// 8601 and an empty timezone means UTC; FromMillis tells an empty
// argument from an absent one.
func FormatDateTime(millis int64, picture, timezone string) (string, error) {
	var pic, tz *string
	if picture != "" {
		pic = &picture
	}
	if timezone != "" {
		tz = &timezone
	}
	return FromMillis(float64(millis), pic, tz)
}

// FromMillis is $fromMillis(millis, picture, timezone) with JSONata's
// arguments as given: nil for an absent picture (ISO 8601) or timezone
// (UTC), and millis as the JSON number. An explicitly empty picture gives
// an empty string, and a timezone that does not start with an integer
// gives the "NaN" fields JavaScript's invalid dates give.
func FromMillis(millis float64, picture, timezone *string) (string, error) {
	parts := isoParts
	if picture != nil {
		var err error
		if parts, err = analyseDateTime(toJS(*picture)); err != nil {
			return "", err
		}
	}
	return formatDateTime(millis, parts, parseOffset(timezone))
}

// ParseDateTime reads s as $toMillis(s, picture) does and returns
// milliseconds since the Unix epoch; ok is false when the result is
// undefined (s does not match the picture, or yields no component, or
// the time is not a valid date). An empty picture reads ISO 8601.
// Components the picture leaves out before the ones it gives are taken
// from the current time; ToMillis takes that time as an argument.
func ParseDateTime(s, picture string) (millis int64, ok bool, err error) {
	var pic *string
	if picture != "" {
		pic = &picture
	}
	v, ok, err := ToMillis(s, pic, float64(time.Now().UnixMilli()))
	if err != nil || !ok || math.IsNaN(v) {
		return 0, false, err
	}
	return int64(v), true, nil
}

// ToMillis is $toMillis(s, picture) with JSONata's arguments as given:
// nil for an absent picture (ISO 8601, through JavaScript's Date.parse),
// and now, the evaluation's timestamp in milliseconds ($millis()), for
// the components the picture leaves out. The result may be NaN, as in
// JSONata, where the text matches but is not a valid date; ok is false
// when the result is undefined.
func ToMillis(s string, picture *string, now float64) (float64, bool, error) {
	if picture == nil {
		v, err := parseISO(s)
		return v, err == nil, err
	}
	return parseDateTime(toJS(s), toJS(*picture), now)
}

// FormatBase formats n in radix 2 to 36 as $formatBase(n, radix) does; n
// is rounded half to even first.
func FormatBase(n float64, radix int) (string, error) {
	return FormatBaseNumber(n, float64(radix))
}

// FormatBaseNumber is $formatBase(n, radix) with the radix as the JSON
// number: it is rounded half to even too, so 2.5 means 2.
func FormatBaseNumber(n, radix float64) (string, error) {
	n = roundHalfEven(n, 0)
	radix = roundHalfEven(radix, 0)
	if radix < 2 || radix > 36 {
		return "", jsonataError("D3100", radix)
	}
	if math.IsNaN(radix) {
		return "", jsError("RangeError", "toString() radix must be between 2 and 36")
	}
	return toRadixString(n, int(radix)), nil
}
