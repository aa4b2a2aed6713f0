package picture

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// This file holds the JavaScript number semantics that JSONata's
// formatting code relies on: Number.prototype.toString and toFixed,
// parseInt, Math.round and JSONata's own half-to-even $round.

// numberToString renders x as JavaScript's Number.prototype.toString()
// does: the shortest digits that round-trip, in plain notation for
// decimal exponents from -7 to 20 and in exponent notation otherwise.
func numberToString(x float64) string {
	if s, ok := specialNumber(x); ok {
		return s
	}
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return strconv.FormatInt(int64(x), 10) // exact, and what JavaScript prints
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	digits, n := shortestDigits(x)
	return sign + placeDigits(digits, n)
}

// specialNumber renders NaN, the infinities and zero, which print the
// same in every radix.
func specialNumber(x float64) (string, bool) {
	switch {
	case math.IsNaN(x):
		return "NaN", true
	case math.IsInf(x, 1):
		return "Infinity", true
	case math.IsInf(x, -1):
		return "-Infinity", true
	case x == 0:
		return "0", true
	}
	return "", false
}

// shortestDigits returns the shortest decimal digits of x > 0 and the
// decimal exponent n such that x = 0.digits × 10^n.
func shortestDigits(x float64) (string, int) {
	e := strconv.FormatFloat(x, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	n, _ := strconv.Atoi(exp)
	return digits, n + 1
}

// placeDigits lays out digits with decimal exponent n (value =
// 0.digits × 10^n) by the rules of Number::toString.
func placeDigits(digits string, n int) string {
	k := len(digits)
	switch {
	case k <= n && n <= 21:
		return digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return "0." + strings.Repeat("0", -n) + digits
	}
	exp := n - 1
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	m := digits[:1]
	if k > 1 {
		m += "." + digits[1:]
	}
	return m + "e" + sign + strconv.Itoa(exp)
}

// toFixed renders x with f digits after the point as
// Number.prototype.toFixed(f) does: exact decimal rounding with ties
// away from zero, and plain toString for magnitudes of 1e21 and more.
func toFixed(x float64, f int) (string, error) {
	if f < 0 || f > 100 {
		return "", jsError("RangeError", "toFixed() digits argument must be between 0 and 100")
	}
	if math.IsNaN(x) {
		return "NaN", nil
	}
	if math.Abs(x) >= 1e21 {
		return numberToString(x), nil
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	s := strconv.FormatFloat(x, 'f', f, 64)
	if isTie(x, f) {
		s = roundTieUp(strconv.FormatFloat(x, 'f', f+1, 64))
	}
	return sign + s, nil
}

// isTie reports whether x × 10^f lies exactly halfway between two
// integers. Writing x = m × 2^e with m odd, that holds exactly when
// e + f = -1.
func isTie(x float64, f int) bool {
	if x == 0 {
		return false
	}
	frac, exp := math.Frexp(x) // x = frac × 2^exp, 0.5 <= frac < 1
	m := uint64(frac * (1 << 53))
	e := exp - 53
	for m&1 == 0 {
		m >>= 1
		e++
	}
	return e+f == -1
}

// roundTieUp takes the exact rendering of a tie with one digit more
// than wanted (its last digit is 5) and rounds it away from zero.
func roundTieUp(s string) string {
	b := []byte(s[:len(s)-1])
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	i := len(b) - 1
	for ; i >= 0; i-- {
		if b[i] == '.' {
			continue
		}
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// jsRound is Math.round: the nearest integer, ties towards +∞, keeping
// the sign of a negative value that rounds to zero.
func jsRound(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == math.Trunc(x) {
		return x
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	if r == 0 && x < 0 {
		return math.Copysign(0, -1)
	}
	return r
}

// roundHalfEven is JSONata's $round(x, precision): the decimal point is
// shifted through the number's string form, the value is rounded half to
// even, and shifted back. A precision of zero rounds to an integer.
func roundHalfEven(x float64, precision int) float64 {
	if precision != 0 {
		x = shiftDecimal(x, precision)
	}
	r := jsRound(x)
	if math.Abs(r-x) == 0.5 && math.Abs(math.Mod(r, 2)) == 1 {
		r--
	}
	if precision != 0 {
		r = shiftDecimal(r, -precision)
	}
	if r == 0 {
		r = 0 // no negative zero
	}
	return r
}

// shiftDecimal multiplies x by 10^by the way JSONata does it: by editing
// the exponent of its string form and reading the string back.
func shiftDecimal(x float64, by int) float64 {
	s := numberToString(x)
	mant, exp, hasExp := strings.Cut(s, "e")
	e := by
	if hasExp {
		n, _ := strconv.Atoi(exp)
		e += n
	}
	v, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e), 64)
	if err != nil && !isRangeErr(err) {
		return math.NaN() // "NaN" and "Infinity" do not read back as numbers
	}
	return v
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseInt is JavaScript's parseInt(s) with no radix: leading white space
// and a sign are skipped, "0x" selects hexadecimal, and the longest run of
// digits that follows is read. No digits give NaN.
func parseInt(s jstr) float64 {
	i := 0
	for i < len(s) && isJSSpace(s[i]) {
		i++
	}
	sign := 1.0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		if s[i] == '-' {
			sign = -1
		}
		i++
	}
	radix := 10
	if i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') {
		radix = 16
		i += 2
	}
	start := i
	for i < len(s) && digitValue(s[i]) < radix {
		i++
	}
	if i == start {
		return math.NaN()
	}
	digits := string(utf16Decode(s[start:i]))
	return sign * digitsToFloat(digits, radix)
}

func digitValue(c uint16) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// digitsToFloat converts a run of digits to the nearest float64.
func digitsToFloat(digits string, radix int) float64 {
	if radix == 10 {
		v, _ := strconv.ParseFloat(digits, 64) // correctly rounded; +Inf when too long
		return v
	}
	n, _ := new(big.Int).SetString(digits, radix)
	v, _ := new(big.Float).SetInt(n).Float64()
	return v
}

// toRadixString renders an integral x in radix 2 to 36 as V8's
// Number.prototype.toString(radix) does. Digits below the precision of
// a double are written as zeros.
func toRadixString(x float64, radix int) string {
	if radix == 10 {
		return numberToString(x)
	}
	if s, ok := specialNumber(x); ok {
		return s
	}
	const chars = "0123456789abcdefghijklmnopqrstuvwxyz"
	negative := x < 0
	x = math.Abs(x)
	integer := math.Floor(x)
	var out []byte
	r := float64(radix)
	for binaryExponent(integer/r) > 0 {
		integer /= r
		out = append(out, '0')
	}
	for {
		rem := math.Mod(integer, r)
		out = append(out, chars[int(rem)])
		integer = (integer - rem) / r
		if integer <= 0 {
			break
		}
	}
	if negative {
		out = append(out, '-')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// binaryExponent is the exponent e of x = significand × 2^e with a
// 53-bit integral significand; it is positive once x exceeds 2^53.
func binaryExponent(x float64) int {
	bits := math.Float64bits(x)
	biased := int(bits>>52) & 0x7ff
	if biased == 0 {
		return -1074
	}
	return biased - 1075
}
