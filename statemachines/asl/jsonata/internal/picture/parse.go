package picture

import (
	"math"
	"regexp"
	"strings"
	"unicode"
)

// This file holds the parsing side: $parseInteger and $toMillis with a
// picture. JSONata turns the picture into a case-insensitive JavaScript
// regular expression; here it becomes an equivalent Go expression (Go's
// leftmost-first matching picks the same submatches as JavaScript's
// backtracking), with case folding spelled out per character the way
// JavaScript canonicalises case.

// matcher reads one part of an input: its expression and how to turn the
// matched text into a value.
type matcher struct {
	regex     string
	parse     func(jstr) (fragment, error)
	component uint16
}

// integerMatcher is the matcher of an analysed integer picture.
func integerMatcher(f *integerFormat) (*matcher, error) {
	switch f.primary {
	case lettersFormat:
		a := uint16('a')
		if f.letterCase == upperCase {
			a = 'A'
		}
		return &matcher{regex: "[A-Za-z]+", parse: func(s jstr) (fragment, error) {
			return numFragment(fromLetters(s, a)), nil
		}}, nil
	case romanFormat:
		upper := f.letterCase == upperCase
		return &matcher{regex: "[MDCLXVImdclxvi]+", parse: func(s jstr) (fragment, error) {
			if !upper {
				s = s.upper()
			}
			return numFragment(fromRoman(s)), nil
		}}, nil
	case wordsFormat:
		return &matcher{regex: wordsRegex, parse: func(s jstr) (fragment, error) {
			return numFragment(fromWords(s.lower())), nil
		}}, nil
	case decimalFormat:
		return &matcher{regex: decimalRegex(f), parse: func(s jstr) (fragment, error) {
			v, err := f.parseDecimal(s)
			return numFragment(v), err
		}}, nil
	}
	return nil, jsonataError("D3130", f.token.String())
}

func decimalRegex(f *integerFormat) string {
	re := "[0-9]+"
	if n := f.width; n > 0 {
		re = "[0-9]" + quantifier(n, f.optional)
	}
	if f.ordinal {
		re += "(?:" + foldLiteral("th") + "|" + foldLiteral("st") + "|" + foldLiteral("nd") + "|" + foldLiteral("rd") + ")"
	}
	return re
}

// quantifier renders JSONata's {n} or {n-optional,n}. JavaScript reads a
// brace that does not form a quantifier as literal text, and so does
// this; a count beyond the 1,000 Go allows matches nothing, as no input
// that long is expected.
func quantifier(n, optional float64) string {
	lo := n - optional
	text := "{" + numberToString(n) + "}"
	if optional != 0 {
		text = "{" + numberToString(lo) + "," + numberToString(n) + "}"
	}
	if lo < 0 || n != math.Trunc(n) || n >= 1e21 {
		return regexp.QuoteMeta(text)
	}
	if n > 1000 {
		return `[^\x00-\x{10FFFF}]`
	}
	return text
}

// parseDecimal undoes decimal formatting: the ordinal suffix and the
// separators are removed, the digit family is mapped back to ASCII, and
// the rest is read with parseInt, so trailing text is ignored.
func (f *integerFormat) parseDecimal(s jstr) (float64, error) {
	if f.ordinal {
		s = s.substring(0, len(s)-2)
	}
	if f.regular {
		s = s.replaceAll(jstr{','}, nil)
	} else {
		for _, sep := range f.separators {
			s = s.replaceAll(sep.char, nil)
		}
	}
	if f.zeroCode != '0' {
		mapped := make(jstr, 0, len(s))
		for _, c := range s {
			r := rune(c) - f.zeroCode + '0'
			if r < 0 {
				return 0, jsError("RangeError", "Invalid code point "+numberToString(float64(r)))
			}
			mapped = append(mapped, fromCodePoint(r)...)
		}
		s = mapped
	}
	return parseInt(s), nil
}

// fromLetters reads spreadsheet-style letters; any code unit counts by
// its distance from a.
func fromLetters(s jstr, a uint16) float64 {
	v := 0.0
	for i := 0; i < len(s); i++ {
		digit := float64(int(s[len(s)-i-1])-int(a)) + 1
		v += float64(digit * fdlibmPow(26, float64(i)))
	}
	return v
}

var romanValues = map[uint16]float64{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}

// fromRoman reads upper-case roman numerals; any other character makes
// the value NaN.
func fromRoman(s jstr) float64 {
	v, top := 0.0, 1.0
	for i := len(s) - 1; i >= 0; i-- {
		d, ok := romanValues[s[i]]
		if !ok {
			return math.NaN()
		}
		if d < top {
			v -= d
		} else {
			top = d
			v += d
		}
	}
	return v
}

// wordValues maps every number word JSONata knows to its value; wordList
// keeps the words in the order JSONata lists them, which decides the
// alternation of the words expression.
var wordValues, wordList = numberWords()

func numberWords() (map[string]float64, []string) {
	values := map[string]float64{}
	var list []string
	add := func(w string, v float64) {
		if _, ok := values[w]; !ok {
			list = append(list, w)
		}
		values[w] = v
	}
	for i, w := range fewWords {
		add(strings.ToLower(w), float64(i))
	}
	for i, w := range ordinalWords {
		add(strings.ToLower(w), float64(i))
	}
	for i, w := range decadeWords {
		lw := strings.ToLower(w)
		add(lw, float64((i+2)*10))
		add(lw[:len(lw)-1]+"ieth", float64((i+2)*10))
	}
	add("hundredth", 100)
	for i, w := range magnitudeWord {
		lw := strings.ToLower(w)
		v := fdlibmPow(10, float64((i+1)*3))
		add(lw, v)
		add(lw+"th", v)
	}
	return values, list
}

var wordsRegex = func() string {
	alts := make([]string, 0, len(wordList)+2)
	for _, w := range wordList {
		alts = append(alts, foldLiteral(w))
	}
	alts = append(alts, foldLiteral("and"), `[\-, ]`)
	return "(?:" + strings.Join(alts, "|") + ")+"
}()

// fromWords reads English number words, lower case.
func fromWords(s jstr) float64 {
	segs := []float64{0}
	for _, word := range splitWords(s) {
		v, ok := wordValues[word]
		if !ok {
			return math.NaN()
		}
		if v < 100 {
			top := segs[len(segs)-1]
			segs = segs[:len(segs)-1]
			if top >= 1000 {
				segs = append(segs, top)
				top = 0
			}
			segs = append(segs, top+v)
		} else {
			segs[len(segs)-1] *= v
		}
	}
	total := 0.0
	for _, v := range segs {
		total += v
	}
	return total
}

// splitWords splits on ", " (comma and any white space), " and " and
// single white-space, backslash or hyphen characters, as JSONata's
// /,\s|\sand\s|[\s\\-]/ does.
func splitWords(s jstr) []string {
	var words []string
	start := 0
	for i := 0; i < len(s); {
		n := 0
		switch {
		case s[i] == ',' && i+1 < len(s) && isJSSpace(s[i+1]):
			n = 2
		case isJSSpace(s[i]) && i+4 < len(s) && s[i+1] == 'a' && s[i+2] == 'n' && s[i+3] == 'd' && isJSSpace(s[i+4]):
			n = 5
		case isJSSpace(s[i]) || s[i] == '\\' || s[i] == '-':
			n = 1
		}
		if n == 0 {
			i++
			continue
		}
		words = append(words, s[start:i].String())
		i += n
		start = i
	}
	return append(words, s[start:].String())
}

// jsCanonical is JavaScript's case canonicalisation for /i without the u
// flag: the simple upper case, unless that is several characters or
// turns a non-ASCII character into an ASCII one.
func jsCanonical(r rune) rune {
	if r > 0xffff || hasMultiUpper(r) {
		return r
	}
	u := unicode.ToUpper(r)
	if r >= 0x80 && u < 0x80 {
		return r
	}
	return u
}

// hasMultiUpper reports characters whose full upper case is more than one
// character (Unicode SpecialCasing), which JavaScript leaves unchanged.
func hasMultiUpper(r rune) bool {
	switch {
	case r == 0xdf, r == 0x149, r == 0x1f0, r == 0x390, r == 0x3b0, r == 0x587:
		return true
	case r >= 0x1e96 && r <= 0x1e9a, r == 0x1f50, r == 0x1f52, r == 0x1f54, r == 0x1f56:
		return true
	case r >= 0x1f80 && r <= 0x1faf, r >= 0x1fb2 && r <= 0x1fb4, r == 0x1fb6, r == 0x1fb7, r == 0x1fbc:
		return true
	case r >= 0x1fc2 && r <= 0x1fc4, r == 0x1fc6, r == 0x1fc7, r == 0x1fcc, r == 0x1fd2, r == 0x1fd3:
		return true
	case r == 0x1fd6, r == 0x1fd7, r >= 0x1fe2 && r <= 0x1fe4, r == 0x1fe6, r == 0x1fe7:
		return true
	case r >= 0x1ff2 && r <= 0x1ff4, r == 0x1ff6, r == 0x1ff7, r == 0x1ffc:
		return true
	case r >= 0xfb00 && r <= 0xfb06, r >= 0xfb13 && r <= 0xfb17:
		return true
	}
	return false
}

// foldRune is an expression matching r and every character JavaScript
// treats as the same letter under /i.
func foldRune(r rune) string {
	canon := jsCanonical(r)
	set := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if jsCanonical(f) == canon {
			set = append(set, f)
		}
	}
	if len(set) == 1 {
		return regexp.QuoteMeta(string(r))
	}
	return "[" + regexp.QuoteMeta(string(set)) + "]"
}

// foldLiteral matches s literally, case-insensitively.
func foldLiteral(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(foldRune(r))
	}
	return b.String()
}

// zoneSeparator places a timezone picture's separator character into the
// expression as JavaScript would read it there: unescaped, so that
// characters with a meaning in expressions keep it.
func zoneSeparator(sep jstr) string {
	var b strings.Builder
	for _, r := range sep.codePoints() {
		switch {
		case r == '.':
			b.WriteString(`[^\n\r\x{2028}\x{2029}]`)
		case strings.ContainsRune(`*+?^$|(){}[]\`, r):
			b.WriteRune(r)
		default:
			b.WriteString(foldRune(r))
		}
	}
	return b.String()
}
