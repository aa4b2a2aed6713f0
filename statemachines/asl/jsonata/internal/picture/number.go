package picture

import "math"

// This file holds fn:format-number as JSONata implements it, including
// the places where JSONata departs from the W3C text (the fractional part
// of a picture without a decimal separator is its suffix; exponent
// positions are taken relative to the whole sub-picture).

// numberFormat is a DecimalFormat as code-unit strings, with the digit
// family it implies.
type numberFormat struct {
	decimal, grouping, exponent, minus, percent, perMille, zero, digit, pattern jstr
	family                                                                      []uint16 // the ten digits from zero, or none
}

func newNumberFormat(f DecimalFormat) *numberFormat {
	nf := &numberFormat{
		decimal: toJS(f.DecimalSeparator), grouping: toJS(f.GroupingSeparator),
		exponent: toJS(f.ExponentSeparator), minus: toJS(f.MinusSign),
		percent: toJS(f.Percent), perMille: toJS(f.PerMille), zero: toJS(f.ZeroDigit),
		digit: toJS(f.OptionalDigit), pattern: toJS(f.PatternSeparator),
	}
	if len(nf.zero) > 0 {
		for i := 0; i < 10; i++ {
			nf.family = append(nf.family, nf.zero[0]+uint16(i))
		}
	}
	return nf
}

func (nf *numberFormat) isFamily(c jstr) bool {
	if len(c) != 1 {
		return false
	}
	for _, d := range nf.family {
		if c[0] == d {
			return true
		}
	}
	return false
}

// isActive reports whether the one-unit string c is an active character.
func (nf *numberFormat) isActive(c jstr) bool {
	return nf.isFamily(c) || c.eq(nf.decimal) || c.eq(nf.exponent) || c.eq(nf.grouping) || c.eq(nf.digit) || c.eq(nf.pattern)
}

func (nf *numberFormat) countIf(s jstr, pred func(jstr) bool) int {
	n := 0
	for i := range s {
		if pred(s[i : i+1]) {
			n++
		}
	}
	return n
}

func (nf *numberFormat) isDigitSign(c jstr) bool { return nf.isFamily(c) || c.eq(nf.digit) }

// subPicture is one side of a picture, split into its parts.
type subPicture struct {
	picture, prefix, suffix, active, mantissa, exponent, integer, fraction jstr
	hasExponent                                                            bool
}

func (nf *numberFormat) split(p jstr) (*subPicture, error) {
	sp := &subPicture{picture: p}
	start, end := -1, -1
	for i := range p {
		if c := p[i : i+1]; nf.isActive(c) && !c.eq(nf.exponent) {
			start = i
			break
		}
	}
	for i := len(p) - 1; i >= 0; i-- {
		if c := p[i : i+1]; nf.isActive(c) && !c.eq(nf.exponent) {
			end = i
			break
		}
	}
	if start == -1 {
		return nil, jsError("TypeError", "Cannot read properties of undefined (reading 'length')")
	}
	sp.prefix, sp.suffix = p.substring(0, start), p.from(end+1)
	sp.active = p.substring(len(sp.prefix), len(p)-len(sp.suffix))
	pos := p.indexOf(nf.exponent, len(sp.prefix))
	if pos == -1 || pos > len(p)-len(sp.suffix) {
		sp.mantissa = sp.active
	} else {
		sp.mantissa, sp.exponent, sp.hasExponent = sp.active.substring(0, pos), sp.active.from(pos+1), true
	}
	if d := sp.mantissa.indexOf(nf.decimal, 0); d == -1 {
		sp.integer, sp.fraction = sp.mantissa, sp.suffix
	} else {
		sp.integer, sp.fraction = sp.mantissa.substring(0, d), sp.mantissa.from(d+1)
	}
	return sp, nil
}

// validate applies the checks of F&O 4.7.3 in JSONata's order; the last
// failing check gives the code.
func (nf *numberFormat) validate(sp *subPicture) error {
	code := ""
	p := sp.picture
	decimalPos := p.indexOf(nf.decimal, 0)
	if decimalPos != p.lastIndexOf(nf.decimal) {
		code = "D3081"
	}
	if p.indexOf(nf.percent, 0) != p.lastIndexOf(nf.percent) {
		code = "D3082"
	}
	if p.indexOf(nf.perMille, 0) != p.lastIndexOf(nf.perMille) {
		code = "D3083"
	}
	if p.contains(nf.percent) && p.contains(nf.perMille) {
		code = "D3084"
	}
	if nf.countIf(sp.mantissa, nf.isDigitSign) == 0 {
		code = "D3085"
	}
	if nf.countIf(sp.active, func(c jstr) bool { return !nf.isActive(c) }) > 0 {
		code = "D3086"
	}
	if decimalPos != -1 {
		if p.charAt(decimalPos-1).eq(nf.grouping) || p.charAt(decimalPos+1).eq(nf.grouping) {
			code = "D3087"
		}
	} else if sp.integer.charAt(len(sp.integer) - 1).eq(nf.grouping) {
		code = "D3088"
	}
	if p.contains(cat(nf.grouping, nf.grouping)) {
		code = "D3089"
	}
	if d := sp.integer.indexOf(nf.digit, 0); d != -1 && nf.countIf(sp.integer.substring(0, d), nf.isFamily) > 0 {
		code = "D3090"
	}
	if d := sp.fraction.lastIndexOf(nf.digit); d != -1 && nf.countIf(sp.fraction.from(d), nf.isFamily) > 0 {
		code = "D3091"
	}
	if sp.hasExponent && len(sp.exponent) > 0 && (p.contains(nf.percent) || p.contains(nf.perMille)) {
		code = "D3092"
	}
	if sp.hasExponent && (len(sp.exponent) == 0 || nf.countIf(sp.exponent, func(c jstr) bool { return !nf.isFamily(c) }) > 0) {
		code = "D3093"
	}
	if code != "" {
		return jsonataError(code, nil)
	}
	return nil
}

// numberPicture is an analysed sub-picture (F&O 4.7.4).
type numberPicture struct {
	picture, prefix, suffix       jstr
	integerGroups, fractionGroups []int
	regularGrouping               int
	minInteger, scaling           int
	minFraction, maxFraction      int
	minExponent                   int
}

// groupingPositions counts, for each grouping separator, the digit signs
// to its right (or, for the fractional part, to its left). Like JSONata
// it looks for every separator after the first in the integer part.
func (nf *numberFormat) groupingPositions(sp *subPicture, part jstr, toLeft bool) []int {
	var positions []int
	for g := part.indexOf(nf.grouping, 0); g != -1; g = sp.integer.indexOf(nf.grouping, g+1) {
		side := part.from(g)
		if toLeft {
			side = part.substring(0, g)
		}
		positions = append(positions, nf.countIf(side, nf.isDigitSign))
	}
	return positions
}

func (nf *numberFormat) analyse(sp *subPicture) *numberPicture {
	np := &numberPicture{picture: sp.picture, prefix: sp.prefix, suffix: sp.suffix}
	np.integerGroups = nf.groupingPositions(sp, sp.integer, false)
	np.regularGrouping = regularPositions(np.integerGroups)
	np.fractionGroups = nf.groupingPositions(sp, sp.fraction, true)
	np.minInteger = nf.countIf(sp.integer, nf.isFamily)
	np.scaling = np.minInteger
	np.minFraction = nf.countIf(sp.fraction, nf.isFamily)
	np.maxFraction = nf.countIf(sp.fraction, nf.isDigitSign)
	if np.minInteger == 0 && np.maxFraction == 0 {
		if sp.hasExponent {
			np.minFraction, np.maxFraction = 1, 1
		} else {
			np.minInteger = 1
		}
	}
	if sp.hasExponent && np.minInteger == 0 && sp.integer.contains(nf.digit) {
		np.minInteger = 1
	}
	if np.minInteger == 0 && np.minFraction == 0 {
		np.minFraction = 1
	}
	if sp.hasExponent {
		np.minExponent = nf.countIf(sp.exponent, nf.isFamily)
	}
	return np
}

// regularPositions returns the interval of regularly spaced grouping
// positions, or 0.
func regularPositions(positions []int) int {
	if len(positions) == 0 {
		return 0
	}
	factor := positions[0]
	for _, p := range positions[1:] {
		factor = gcd(factor, p)
	}
	for i := 1; i <= len(positions); i++ {
		found := false
		for _, p := range positions {
			if p == i*factor {
				found = true
				break
			}
		}
		if !found {
			return 0
		}
	}
	return factor
}

// FormatNumber formats x by an fn:format-number picture under the decimal
// format f, as JSONata's $formatNumber(x, picture, options) does; f is
// DefaultDecimalFormat with the options object's members applied.
//
// JSONata 2.0.6 never returns for a picture with an exponent part when x
// is zero or negative, nor when the digits of the format form no family
// and the result would be empty; FormatNumber returns an error with code
// "U1001" there instead.
func FormatNumber(x float64, picture string, f DecimalFormat) (string, error) {
	nf := newNumberFormat(f)
	subs := toJS(picture).split(nf.pattern)
	if len(subs) > 2 {
		return "", jsonataError("D3080", nil)
	}
	// JSONata splits every sub-picture before it validates any.
	var parts []*subPicture
	for _, s := range subs {
		sp, err := nf.split(s)
		if err != nil {
			return "", err
		}
		parts = append(parts, sp)
	}
	var pics []*numberPicture
	for _, sp := range parts {
		if err := nf.validate(sp); err != nil {
			return "", err
		}
	}
	for _, sp := range parts {
		pics = append(pics, nf.analyse(sp))
	}
	if len(pics) == 1 {
		neg := *pics[0]
		neg.prefix = cat(nf.minus, neg.prefix)
		pics = append(pics, &neg)
	}
	pic := pics[1]
	if x >= 0 {
		pic = pics[0]
	}
	out, err := nf.format(x, pic)
	if err != nil {
		return "", err
	}
	return out.String(), nil
}

func (nf *numberFormat) format(x float64, pic *numberPicture) (jstr, error) {
	adjusted := x
	if pic.picture.contains(nf.percent) {
		adjusted = x * 100
	} else if pic.picture.contains(nf.perMille) {
		adjusted = x * 1000
	}
	mantissa, exponent, hasExponent := adjusted, 0.0, pic.minExponent != 0
	if hasExponent {
		var err error
		if mantissa, exponent, err = scaleMantissa(adjusted, pic.scaling); err != nil {
			return nil, err
		}
	}
	rounded := roundHalfEven(mantissa, pic.maxFraction)
	s, err := nf.digits(rounded, pic.maxFraction)
	if err != nil {
		return nil, err
	}
	if s.indexOf(jstr{'.'}, 0) == -1 {
		s = cat(s, nf.decimal)
	} else {
		s = s.replaceFirst(jstr{'.'}, nf.decimal)
	}
	if len(nf.zero) == 0 && len(s) == 0 {
		return nil, neverEnds("$formatNumber")
	}
	for s.charAt(0).eq(nf.zero) {
		s = s.from(1)
	}
	for s.charAt(len(s) - 1).eq(nf.zero) {
		s = s.substring(0, len(s)-1)
	}
	s = nf.pad(s, pic)
	s = nf.insertGroups(s, pic)
	if d := s.indexOf(nf.decimal, 0); !pic.picture.contains(nf.decimal) || d == len(s)-1 {
		s = s.substring(0, len(s)-1)
	}
	if hasExponent {
		e, err := nf.digits(exponent, 0)
		if err != nil {
			return nil, err
		}
		if pad := pic.minExponent - len(e); pad > 0 {
			e = cat(repeat(nf.zero, pad), e)
		}
		sign := jstr(nil)
		if exponent < 0 {
			sign = nf.minus
		}
		s = cat(s, nf.exponent, sign, e)
	}
	return cat(pic.prefix, s, pic.suffix), nil
}

// scaleMantissa brings the mantissa between 10^(scaling-1) and
// 10^scaling, counting the exponent, as JSONata does by repeated
// multiplication and division.
func scaleMantissa(x float64, scaling int) (float64, float64, error) {
	if x <= 0 || math.IsInf(x, 1) {
		return 0, 0, neverEnds("$formatNumber")
	}
	maxM := fdlibmPow(10, float64(scaling))
	minM := fdlibmPow(10, float64(scaling-1))
	exponent := 0.0
	for x < minM {
		x *= 10
		exponent--
	}
	for x > maxM {
		x /= 10
		exponent++
	}
	return x, exponent, nil
}

// digits is makeString: |v| with dp decimals, digits mapped to the family.
func (nf *numberFormat) digits(v float64, dp int) (jstr, error) {
	str, err := toFixed(math.Abs(v), dp)
	if err != nil {
		return nil, err
	}
	s := toJS(str)
	if nf.zero.eqs("0") {
		return s, nil
	}
	out := make(jstr, 0, len(s))
	for _, c := range s {
		if c < '0' || c > '9' {
			out = append(out, c)
		} else if int(c-'0') < len(nf.family) {
			out = append(out, nf.family[c-'0'])
		}
	}
	return out, nil
}

func repeat(s jstr, n int) jstr {
	out := make(jstr, 0, len(s)*max(n, 0))
	for i := 0; i < n; i++ {
		out = append(out, s...)
	}
	return out
}

// pad adds zero digits to reach the minimum integer and fraction sizes.
func (nf *numberFormat) pad(s jstr, pic *numberPicture) jstr {
	d := s.indexOf(nf.decimal, 0)
	left := pic.minInteger - d
	right := pic.minFraction - (len(s) - d - 1)
	if left > 0 {
		s = cat(repeat(nf.zero, left), s)
	}
	if right > 0 {
		s = cat(s, repeat(nf.zero, right))
	}
	return s
}

func (nf *numberFormat) insertGroups(s jstr, pic *numberPicture) jstr {
	d := s.indexOf(nf.decimal, 0)
	if pic.regularGrouping > 0 {
		for g := 1; g <= (d-1)/pic.regularGrouping; g++ {
			at := d - g*pic.regularGrouping
			s = cat(s.slice(0, at), nf.grouping, s.slice(at, len(s)))
		}
	} else {
		for _, pos := range pic.integerGroups {
			s = cat(s.slice(0, d-pos), nf.grouping, s.slice(d-pos, len(s)))
			d++
		}
	}
	d = s.indexOf(nf.decimal, 0)
	for _, pos := range pic.fractionGroups {
		s = cat(s.slice(0, pos+d+1), nf.grouping, s.slice(pos+d+1, len(s)))
	}
	return s
}
