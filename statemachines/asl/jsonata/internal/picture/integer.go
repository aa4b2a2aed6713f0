package picture

import "math"

// This file holds fn:format-integer as JSONata implements it: the
// analysis of an integer picture and the formatting of a value by it.

type primaryFormat int

const (
	decimalFormat primaryFormat = iota
	lettersFormat
	romanFormat
	wordsFormat
	sequenceFormat
)

type letterCase int

const (
	lowerCase letterCase = iota
	upperCase
	titleCase
)

// separator is a grouping separator: its characters and how many digit
// positions lie to its right.
type separator struct {
	position int
	char     jstr
}

// integerFormat is an analysed integer picture. For pictures that are not
// decimal-digit patterns, mandatory and optional are NaN, standing for
// JSONata's undefined.
type integerFormat struct {
	primary    primaryFormat
	letterCase letterCase
	ordinal    bool
	zeroCode   rune
	mandatory  float64
	optional   float64
	regular    bool
	regularSep separator   // the repeating separator, when regular
	separators []separator // right to left, when not regular
	token      jstr        // the picture of an unsupported numbering sequence
	width      float64     // digits to read when parsing a date component; NaN for any
}

// decimalGroups are the code points of the zero digit of each Unicode
// decimal digit family that JSONata recognises.
var decimalGroups = [...]rune{0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10}

func digitFamily(c rune) (rune, bool) {
	for _, g := range decimalGroups {
		if c >= g && c <= g+9 {
			return g, true
		}
	}
	return 0, false
}

// analyseInteger analyses an fn:format-integer picture: a primary format
// token, optionally followed by ";" and a modifier starting with "o" for
// ordinals.
func analyseInteger(picture jstr) (*integerFormat, error) {
	f := &integerFormat{primary: decimalFormat, mandatory: math.NaN(), optional: math.NaN(), width: math.NaN()}
	primary := picture
	if semi := picture.lastIndexOf(jstr{';'}); semi != -1 {
		primary = picture.substring(0, semi)
		modifier := picture.from(semi + 1)
		f.ordinal = len(modifier) > 0 && modifier[0] == 'o'
	}
	switch {
	case primary.eqs("A"):
		f.primary, f.letterCase = lettersFormat, upperCase
	case primary.eqs("a"):
		f.primary = lettersFormat
	case primary.eqs("I"):
		f.primary, f.letterCase = romanFormat, upperCase
	case primary.eqs("i"):
		f.primary = romanFormat
	case primary.eqs("W"):
		f.primary, f.letterCase = wordsFormat, upperCase
	case primary.eqs("Ww"):
		f.primary, f.letterCase = wordsFormat, titleCase
	case primary.eqs("w"):
		f.primary = wordsFormat
	default:
		return f, f.analyseDigits(primary)
	}
	return f, nil
}

// analyseDigits reads a decimal-digit pattern. A picture with no digit
// is a numbering sequence, which JSONata does not support.
func (f *integerFormat) analyseDigits(primary jstr) error {
	zero, mandatory, optional, position := rune(-1), 0, 0, 0
	var seps []separator
	cps := primary.codePoints()
	for i := len(cps) - 1; i >= 0; i-- {
		c := cps[i]
		if g, ok := digitFamily(c); ok {
			mandatory++
			position++
			if zero == -1 {
				zero = g
			} else if g != zero {
				return jsonataError("D3131", nil)
			}
			continue
		}
		if c == '#' {
			position++
			optional++
			continue
		}
		seps = append(seps, separator{position: position, char: fromCodePoint(c)})
	}
	if mandatory == 0 {
		f.primary, f.token = sequenceFormat, primary
		return nil
	}
	f.zeroCode, f.mandatory, f.optional = zero, float64(mandatory), float64(optional)
	if every := regularInterval(seps); every > 0 {
		f.regular, f.regularSep = true, separator{position: every, char: seps[0].char}
	} else {
		f.separators = seps
	}
	return nil
}

// regularInterval returns the interval at which the separators repeat,
// or 0 when they are not all the same character at every multiple of one
// interval.
func regularInterval(seps []separator) int {
	if len(seps) == 0 {
		return 0
	}
	positions := make([]int, len(seps))
	for i, s := range seps {
		if !s.char.eq(seps[0].char) {
			return 0
		}
		positions[i] = s.position
	}
	return regularPositions(positions)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// romanLimit is the value from which JSONata's recursive roman numeral
// builder exhausts V8's stack (one frame per numeral; the exact point
// varies between runs of Node near nine million).
const romanLimit = 1e7

// format renders value (already an integer) by the analysed picture.
func (f *integerFormat) format(value float64) (jstr, error) {
	negative := value < 0
	value = math.Abs(value)
	var out jstr
	switch f.primary {
	case lettersFormat:
		if math.IsInf(value, 0) {
			return nil, neverEnds("$formatInteger")
		}
		a := 'a'
		if f.letterCase == upperCase {
			a = 'A'
		}
		out = toLetters(value, uint16(a))
	case romanFormat:
		if value >= romanLimit {
			return nil, stackOverflow()
		}
		out = toRoman(value)
		if f.letterCase == upperCase {
			out = out.upper()
		}
	case wordsFormat:
		if math.IsNaN(value) || math.IsInf(value, 0) {
			return nil, stackOverflow()
		}
		out = toJS(toWords(value, f.ordinal))
		switch f.letterCase {
		case upperCase:
			out = out.upper()
		case lowerCase:
			out = out.lower()
		}
	case decimalFormat:
		var err error
		if out, err = f.formatDecimal(value); err != nil {
			return nil, err
		}
	default:
		return nil, jsonataError("D3130", f.token.String())
	}
	if negative {
		out = cat(jstr{'-'}, out)
	}
	return out, nil
}

// maxPadding bounds the zeros a width may ask for. JSONata pads to any
// width up to V8's string limit of about 5×10^8 characters; this package
// reports "Invalid string length", V8's error for longer strings, beyond
// 65,536 instead of building such a string.
const maxPadding = 1 << 16

func (f *integerFormat) formatDecimal(value float64) (jstr, error) {
	s := toJS(numberToString(value))
	if pad := f.mandatory - float64(len(s)); pad > maxPadding {
		return nil, jsError("RangeError", "Invalid string length")
	} else if pad > 0 {
		zeros := make(jstr, int(pad))
		for i := range zeros {
			zeros[i] = '0'
		}
		s = cat(zeros, s)
	}
	if f.zeroCode != '0' {
		var mapped jstr
		for _, c := range s.codePoints() {
			mapped = append(mapped, fromCodePoint(c+f.zeroCode-'0')...)
		}
		s = mapped
	}
	s = f.group(s)
	if f.ordinal {
		s = append(s, ordinalSuffix(s)...)
	}
	return s, nil
}

// group inserts the grouping separators, counting positions from the
// right. Like JSONata it uses substr, so a separator further left than
// the digits wraps around from the end.
func (f *integerFormat) group(s jstr) jstr {
	if f.regular {
		// One pass: a separator goes before every position a multiple of
		// the interval from the end, as JSONata's insertions place them.
		every := f.regularSep.position
		out := make(jstr, 0, len(s)+len(s)/every*len(f.regularSep.char))
		for i, c := range s {
			if left := len(s) - i; i > 0 && left%every == 0 {
				out = append(out, f.regularSep.char...)
			}
			out = append(out, c)
		}
		return out
	}
	for i := len(f.separators) - 1; i >= 0; i-- {
		sep := f.separators[i]
		pos := len(s) - sep.position
		s = cat(s.substr(0, pos), sep.char, s.substr(pos, len(s)))
	}
	return s
}

func ordinalSuffix(s jstr) jstr {
	last := s[len(s)-1]
	suffix := "th"
	switch last {
	case '1':
		suffix = "st"
	case '2':
		suffix = "nd"
	case '3':
		suffix = "rd"
	}
	if len(s) > 1 && s[len(s)-2] == '1' {
		suffix = "th"
	}
	return toJS(suffix)
}

// toLetters writes value in the spreadsheet-column style: a … z, aa, ab …
func toLetters(value float64, a uint16) jstr {
	var rev jstr
	for value > 0 {
		rev = append(rev, uint16(int64(math.Mod(value-1, 26)))+a)
		value = math.Floor((value - 1) / 26)
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

var romanNumerals = [...]struct {
	value float64
	text  string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

// toRoman writes value in lower-case roman numerals, nothing for zero.
func toRoman(value float64) jstr {
	var out jstr
	for i := 0; i < len(romanNumerals); {
		n := romanNumerals[i]
		if value >= n.value {
			out = append(out, toJS(n.text)...)
			value -= n.value
			continue
		}
		i++
	}
	return out
}

var (
	fewWords      = [...]string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
	ordinalWords  = [...]string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"}
	decadeWords   = [...]string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"}
	magnitudeWord = [...]string{"Thousand", "Million", "Billion", "Trillion"}
)

// toWords writes a non-negative integer in English words, title case,
// as JSONata does: "Three Thousand, Seven Hundred and Thirty-First".
func toWords(value float64, ordinal bool) string {
	return wordsOf(value, false, ordinal)
}

func wordsOf(num float64, prev, ordinal bool) string {
	lead := func(sep string) string {
		if prev {
			return sep
		}
		return ""
	}
	switch {
	case num <= 19:
		if ordinal {
			return lead(" and ") + ordinalWords[int(num)]
		}
		return lead(" and ") + fewWords[int(num)]
	case num < 100:
		words := lead(" and ") + decadeWords[int(math.Floor(num/10))-2]
		if rem := math.Mod(num, 10); rem > 0 {
			return words + "-" + wordsOf(rem, false, ordinal)
		}
		if ordinal {
			return words[:len(words)-1] + "ieth"
		}
		return words
	case num < 1000:
		words := lead(", ") + fewWords[int(math.Floor(num/100))] + " Hundred"
		return words + wordsRest(math.Mod(num, 100), ordinal)
	}
	mag := magnitudeOf(num)
	factor := fdlibmPow(10, float64(mag*3))
	mant := math.Floor(num / factor)
	words := lead(", ") + wordsOf(mant, false, false) + " " + magnitudeWord[mag-1]
	return words + wordsRest(num-mant*factor, ordinal)
}

// wordsRest writes the remainder after a hundred or a magnitude word.
func wordsRest(rem float64, ordinal bool) string {
	if rem > 0 {
		return wordsOf(rem, true, ordinal)
	}
	if ordinal {
		return "th"
	}
	return ""
}

// magnitudeOf is floor(log10(num) / 3), capped at the largest magnitude
// word. For integers the comparison with powers of a thousand gives the
// same answer as V8's log10 wherever the cap does not apply.
func magnitudeOf(num float64) int {
	switch {
	case num < 1e6:
		return 1
	case num < 1e9:
		return 2
	case num < 1e12:
		return 3
	}
	return len(magnitudeWord)
}
