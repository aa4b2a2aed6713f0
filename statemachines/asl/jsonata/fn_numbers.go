package jsonata

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/jsonata/internal/picture"
)

func numbers(v any) ([]float64, bool) {
	a, ok := v.(*array)
	if !ok {
		return nil, false
	}
	out := make([]float64, len(a.items))
	for i, e := range a.items {
		out[i], _ = e.(float64)
	}
	return out, true
}

func fnSum(c *call, args []any) (any, error) {
	nums, ok := numbers(args[0])
	if !ok {
		return Undefined, nil
	}
	total := 0.0
	for _, n := range nums {
		total += n
	}
	return total, nil
}

func fnCount(c *call, args []any) (any, error) {
	if a, ok := args[0].(*array); ok {
		return float64(len(a.items)), nil
	}
	return 0.0, nil
}

func fnMax(c *call, args []any) (any, error) {
	nums, ok := numbers(args[0])
	if !ok || len(nums) == 0 {
		return Undefined, nil
	}
	m := math.Inf(-1)
	for _, n := range nums {
		m = math.Max(m, n)
	}
	return m, nil
}

func fnMin(c *call, args []any) (any, error) {
	nums, ok := numbers(args[0])
	if !ok || len(nums) == 0 {
		return Undefined, nil
	}
	m := math.Inf(1)
	for _, n := range nums {
		m = math.Min(m, n)
	}
	return m, nil
}

func fnAverage(c *call, args []any) (any, error) {
	nums, ok := numbers(args[0])
	if !ok || len(nums) == 0 {
		return Undefined, nil
	}
	total := 0.0
	for _, n := range nums {
		total += n
	}
	return total / float64(len(nums)), nil
}

var (
	decimalNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)
	prefixNumber  = regexp.MustCompile(`^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$`)
)

func fnNumber(c *call, args []any) (any, error) {
	switch x := args[0].(type) {
	case undefined:
		return Undefined, nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if decimalNumber.MatchString(x) {
			if f, err := strconv.ParseFloat(x, 64); err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		} else if prefixNumber.MatchString(x) {
			if f, ok := prefixedNumber(x); ok {
				return f, nil
			}
		}
	}
	return nil, &Error{Code: "D3030", Value: args[0], index: 1}
}

// prefixedNumber reads 0x, 0o and 0b literals as Number() does.
func prefixedNumber(s string) (float64, bool) {
	if len(s) < 3 {
		return 0, false
	}
	base := 16
	switch strings.ToLower(s[:2]) {
	case "0o":
		base = 8
	case "0b":
		base = 2
	}
	v, err := strconv.ParseUint(s[2:], base, 64)
	if err != nil {
		return 0, false
	}
	return float64(v), true
}

func unaryMath(f func(float64) float64) fnImpl {
	return func(c *call, args []any) (any, error) {
		x, ok := args[0].(float64)
		if !ok {
			return Undefined, nil
		}
		return f(x), nil
	}
}

var (
	fnAbs   = unaryMath(math.Abs)
	fnFloor = unaryMath(math.Floor)
	fnCeil  = unaryMath(jsCeil)
)

func jsCeil(x float64) float64 {
	r := math.Ceil(x)
	if r == 0 {
		return 0
	}
	return r
}

func fnRound(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	precision, _ := argAt(args, 1).(float64)
	return roundHalfEven(x, int(precision)), nil
}

// roundHalfEven rounds to precision decimal places, halves to even,
// shifting the decimal point in the number's text as the reference does.
func roundHalfEven(x float64, precision int) float64 {
	if precision != 0 {
		x = shiftDecimal(x, precision)
	}
	r := math.Floor(x + 0.5)
	if diff := r - x; math.Abs(diff) == 0.5 && math.Abs(math.Mod(r, 2)) == 1 {
		r--
	}
	if precision != 0 {
		r = shiftDecimal(r, -precision)
	}
	if r == 0 {
		return 0
	}
	return r
}

func shiftDecimal(x float64, by int) float64 {
	s := numberString(x)
	mant, exp, found := strings.Cut(s, "e")
	e := by
	if found {
		n, _ := strconv.Atoi(exp)
		e += n
	}
	f, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e), 64)
	if err != nil {
		return x
	}
	return f
}

func fnSqrt(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	if x < 0 {
		return nil, &Error{Code: "D3060", Value: x, index: 1}
	}
	return math.Sqrt(x), nil
}

func fnPower(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	exp, ok := args[1].(float64)
	if !ok {
		exp = math.NaN()
	}
	r := jsPow(x, exp)
	if math.IsInf(r, 0) || math.IsNaN(r) {
		var e any = exp
		if !ok {
			e = Undefined
		}
		return nil, &Error{Code: "D3061", Value: x, exp: e, index: 1}
	}
	return r, nil
}

func fnRandom(c *call, args []any) (any, error) { return rand.Float64(), nil }

// pictureError carries a picture package error over with its code.
func pictureError(err error) error {
	if pe, ok := err.(*picture.Error); ok {
		return &Error{Code: pe.Code, Message: pe.Message, Value: pe.Value}
	}
	return err
}

func fnFormatNumber(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	pic, _ := args[1].(string)
	f := picture.DefaultDecimalFormat()
	if opts := argAt(args, 2); isObject(opts) {
		fields := map[string]*string{
			"decimal-separator": &f.DecimalSeparator, "grouping-separator": &f.GroupingSeparator,
			"exponent-separator": &f.ExponentSeparator, "minus-sign": &f.MinusSign,
			"infinity": &f.Infinity, "NaN": &f.NaN, "percent": &f.Percent, "per-mille": &f.PerMille,
			"zero-digit": &f.ZeroDigit, "digit": &f.OptionalDigit, "pattern-separator": &f.PatternSeparator,
		}
		for _, k := range objectKeys(opts) {
			v, _ := objectGet(opts, k)
			if s, ok := v.(string); ok && fields[k] != nil {
				*fields[k] = s
			}
		}
	}
	s, err := picture.FormatNumber(x, pic, f)
	if err != nil {
		return nil, pictureError(err)
	}
	return s, nil
}

func fnFormatBase(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	radix := 10.0
	if r, ok := argAt(args, 1).(float64); ok {
		radix = roundHalfEven(r, 0)
	}
	if radix < 2 || radix > 36 {
		return nil, &Error{Code: "D3100", Value: radix}
	}
	s, err := picture.FormatBase(x, int(radix))
	if err != nil {
		return nil, pictureError(err)
	}
	return s, nil
}

func fnFormatInteger(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	pic, _ := args[1].(string)
	s, err := picture.FormatInteger(x, pic)
	if err != nil {
		return nil, pictureError(err)
	}
	return s, nil
}

func fnParseInteger(c *call, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	pic, _ := args[1].(string)
	n, err := picture.ParseInteger(s, pic)
	if err != nil {
		return nil, pictureError(err)
	}
	return n, nil
}

var iso8601 = regexp.MustCompile(`^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$`)

func fnToMillis(c *call, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	if pic, ok := argAt(args, 1).(string); ok {
		ms, ok, err := picture.ParseDateTime(s, pic)
		if err != nil {
			return nil, pictureError(err)
		}
		if !ok {
			return Undefined, nil
		}
		return float64(ms), nil
	}
	if !iso8601.MatchString(s) {
		return nil, &Error{Code: "D3110", Value: s}
	}
	return parseISODate(s), nil
}

func fnFromMillis(c *call, args []any) (any, error) {
	x, ok := args[0].(float64)
	if !ok {
		return Undefined, nil
	}
	pic, _ := argAt(args, 1).(string)
	tz, _ := argAt(args, 2).(string)
	s, err := picture.FormatDateTime(int64(math.Trunc(x)), pic, tz)
	if err != nil {
		return nil, pictureError(err)
	}
	return s, nil
}

// jsPow is Math.pow, which differs from math.Pow where the exponent is NaN
// or the base is ±1 and the exponent infinite.
func jsPow(x, y float64) float64 {
	if math.IsNaN(y) || (math.Abs(x) == 1 && math.IsInf(y, 0)) {
		return math.NaN()
	}
	return math.Pow(x, y)
}
