package picture

// FormatInteger formats n, which must be integral, by an fn:format-integer
// picture such as "#,##0", "a", "I", "w" or "1;o".
func FormatInteger(n float64, picture string) (string, error) {
	return "", newError("D3130", "not implemented", nil)
}

// ParseInteger parses s by an fn:format-integer picture, the inverse of
// FormatInteger.
func ParseInteger(s, picture string) (float64, error) {
	return 0, newError("D3130", "not implemented", nil)
}

// DecimalFormat holds the decimal-format properties that $formatNumber's
// options object may override. Each field is one character (Infinity and
// NaN may be longer strings).
type DecimalFormat struct {
	DecimalSeparator, GroupingSeparator, ExponentSeparator, MinusSign, Infinity, NaN, Percent, PerMille, ZeroDigit, OptionalDigit, PatternSeparator string
}

// DefaultDecimalFormat returns the default decimal format of XPath 3.1.
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

// FormatNumber formats x by an fn:format-number picture under the decimal
// format f.
func FormatNumber(x float64, picture string, f DecimalFormat) (string, error) {
	return "", newError("D3080", "not implemented", nil)
}

// FormatDateTime formats millis (milliseconds since the Unix epoch) by an
// fn:format-dateTime picture in the timezone given as "±HHMM". An empty
// picture gives ISO 8601 as JSONata does.
func FormatDateTime(millis int64, picture, timezone string) (string, error) {
	return "", newError("D3110", "not implemented", nil)
}

// ParseDateTime parses s by an fn:format-dateTime picture and returns
// milliseconds since the Unix epoch. ok is false when the result is
// undefined (s does not match the picture).
func ParseDateTime(s, picture string) (millis int64, ok bool, err error) {
	return 0, false, newError("D3110", "not implemented", nil)
}

// FormatBase formats n, rounded to an integer, in radix 2 to 36.
func FormatBase(n float64, radix int) (string, error) {
	return "", newError("D3100", "not implemented", nil)
}
