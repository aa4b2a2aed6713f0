package picture

import (
	"math"
	"math/rand/v2"
	"strings"
)

// generateCalls builds the differential test's calls from a seed: random
// pictures assembled from the pieces each picture language has (and some
// that it does not), random numbers of every size, and inputs to parse
// that were made by formatting (so that most of them match) or by hand.
func generateCalls(seed uint64) []call {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var calls []call
	for i := 0; i < 900; i++ {
		calls = append(calls, g.formatNumber())
	}
	for i := 0; i < 700; i++ {
		calls = append(calls, g.formatInteger())
	}
	for i := 0; i < 600; i++ {
		calls = append(calls, g.parseInteger())
	}
	for i := 0; i < 1200; i++ {
		calls = append(calls, g.fromMillis())
	}
	for i := 0; i < 900; i++ {
		calls = append(calls, g.toMillis())
	}
	for i := 0; i < 300; i++ {
		calls = append(calls, g.formatBase())
	}
	return calls
}

type gen struct{ r *rand.Rand }

func (g *gen) pick(options ...string) string { return options[g.r.IntN(len(options))] }
func (g *gen) chance(p float64) bool         { return g.r.Float64() < p }

// number returns a number of a random kind and size.
func (g *gen) number() float64 {
	switch g.r.IntN(9) {
	case 0:
		return float64(g.r.IntN(20))
	case 1:
		return float64(g.r.IntN(2000000)) - 1000000
	case 2:
		return math.Round(g.r.Float64()*1e4) / 100
	case 3:
		return (g.r.Float64() - 0.3) * math.Pow(10, float64(g.r.IntN(30)-10))
	case 4:
		return float64(g.r.Int64N(1<<53)) * g.sign()
	case 5:
		return g.r.NormFloat64() * 1e3
	case 6:
		return float64(g.r.IntN(100)) + 0.5*g.sign() // ties
	case 7:
		return math.Pow(10, float64(g.r.IntN(25))) * float64(1+g.r.IntN(9))
	case 8:
		return g.edgeNumber()
	}
	return g.r.Float64()
}

// edgeNumber returns numbers near rounding ties, at the switch to
// exponent notation, and at the ends of the range.
func (g *gen) edgeNumber() float64 {
	switch g.r.IntN(8) {
	case 0:
		return float64(g.r.IntN(1000))/8 + float64(g.r.IntN(100)) // exact binary ties
	case 1:
		return g.pickFloat(1.005, 2.675, 0.125, 0.375, 1.45, 8.345, 0.045, 1e-7, 1.5e-7, 123.456e-10)
	case 2:
		return g.pickFloat(1e21, 9.99e20, 1.5e21, 1e22, 123456789012345678901234.0, 1e100, 5e-324, 1.7976931348623157e308)
	case 3:
		return -g.edgeNumber()
	case 4:
		return float64(g.r.Int64N(1e6)) * math.Pow(10, float64(g.r.IntN(40)-20))
	case 5:
		return g.pickFloat(0, math.Copysign(0, -1), 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994)
	case 6:
		return float64(g.r.Int64N(1<<62)) * 4
	}
	return g.r.Float64() * 1e-3
}

func (g *gen) pickFloat(options ...float64) float64 { return options[g.r.IntN(len(options))] }

func (g *gen) sign() float64 {
	if g.chance(0.5) {
		return -1
	}
	return 1
}

// --- $formatNumber ---

func (g *gen) numberSubPicture(digit, zero string) string {
	if g.chance(0.7) {
		return g.validNumberPicture(digit, zero)
	}
	var b strings.Builder
	if g.chance(0.2) {
		b.WriteString(g.pick("$", "PRE", "[", "n=", "€ "))
	}
	ints := 1 + g.r.IntN(8)
	for i := 0; i < ints; i++ {
		switch g.r.IntN(6) {
		case 0, 1:
			b.WriteString(digit)
		case 2, 3:
			b.WriteString(zero)
		case 4:
			b.WriteString(",")
		default:
			b.WriteString(g.pick(digit, zero, ",", "9", "."))
		}
	}
	if g.chance(0.6) {
		b.WriteString(".")
		for i := g.r.IntN(6); i > 0; i-- {
			b.WriteString(g.pick(zero, zero, digit, ",", "9"))
		}
	}
	g.numberEnding(&b, zero, 8, 0.2)
	return b.String()
}

// numberEnding adds, sometimes, an exponent, a percent or per-mille sign
// and a suffix.
func (g *gen) numberEnding(b *strings.Builder, zero string, spread int, suffix float64) {
	switch g.r.IntN(spread) {
	case 0:
		b.WriteString("e" + strings.Repeat(zero, 1+g.r.IntN(3)))
	case 1:
		b.WriteString("%")
	case 2:
		b.WriteString("‰")
	}
	if g.chance(suffix) {
		b.WriteString(g.pick("SUF", " units", "]", "x"))
	}
}

// validNumberPicture follows the rules of F&O 4.7.3: optional digits
// before mandatory ones in the integer part, the other way round in the
// fraction, separators apart.
func (g *gen) validNumberPicture(digit, zero string) string {
	var b strings.Builder
	if g.chance(0.15) {
		b.WriteString(g.pick("$", "PRE", "n=", "€ "))
	}
	optional, mandatory := g.r.IntN(5), 1+g.r.IntN(4)
	if g.chance(0.1) {
		mandatory = 0
	}
	group := 0
	if g.chance(0.5) {
		group = 1 + g.r.IntN(4)
	}
	total := optional + mandatory
	for i := 0; i < total; i++ {
		if i < optional {
			b.WriteString(digit)
		} else {
			b.WriteString(zero)
		}
		left := total - i - 1
		if group > 0 && left > 0 && left%group == 0 {
			b.WriteString(",")
		} else if group == 0 && left > 0 && g.chance(0.08) {
			b.WriteString(",")
		}
	}
	if g.chance(0.6) {
		b.WriteString(".")
		mf, of := g.r.IntN(4), g.r.IntN(4)
		b.WriteString(strings.Repeat(zero, mf) + strings.Repeat(digit, of))
	}
	g.numberEnding(&b, zero, 7, 0.15)
	return b.String()
}

func (g *gen) formatNumber() call {
	f := DefaultDecimalFormat()
	custom := g.chance(0.25)
	if custom {
		switch g.r.IntN(5) {
		case 0:
			f.ZeroDigit = g.pick("A", "①", "٠", "０")
		case 1:
			f.DecimalSeparator, f.GroupingSeparator = ",", "."
		case 2:
			f.PerMille, f.Percent = "pm", "pc"
		case 3:
			f.ExponentSeparator, f.MinusSign = "E", "~"
		default:
			f.OptionalDigit, f.PatternSeparator = "x", "|"
		}
	}
	pic := g.numberSubPicture(f.OptionalDigit, f.ZeroDigit)
	if g.chance(0.15) {
		pic += f.PatternSeparator + g.numberSubPicture(f.OptionalDigit, f.ZeroDigit)
	}
	if custom {
		pic = strings.NewReplacer(".", f.DecimalSeparator, ",", f.GroupingSeparator, "e", f.ExponentSeparator, "‰", f.PerMille, "%", f.Percent).Replace(pic)
		if f.DecimalSeparator == "," {
			pic = strings.NewReplacer(",", ".", ".", ",").Replace(pic)
		}
	}
	if g.chance(0.05) {
		pic = g.pick("", "abc", "#.0.0", "0,", "0,,0", "#0%‰", ".e0", "0#.e0", "#;#;#")
	}
	args := []any{g.number(), pic}
	if custom {
		args = append(args, f)
	}
	return call{Fn: "formatNumber", Args: args}
}

// --- $formatInteger and $parseInteger ---

func (g *gen) integerPicture() string {
	if g.chance(0.3) {
		p := g.pick("a", "A", "i", "I", "w", "W", "Ww", "α", "#", "", "一")
		if g.chance(0.3) {
			p += g.pick(";o", ";c", ";", ";oa")
		}
		return p
	}
	zero := []rune(g.pick("0", "0", "0", "٠", "０", "߀", "0"))[0]
	var b strings.Builder
	for i := 1 + g.r.IntN(9); i > 0; i-- {
		switch g.r.IntN(7) {
		case 0, 1:
			b.WriteString("#")
		case 2, 3, 4:
			b.WriteRune(zero + rune(g.r.IntN(10)))
		case 5:
			b.WriteString(g.pick(",", ",", " ", ":", ".", "'"))
		default:
			b.WriteString(g.pick("0", "#", "9", ","))
		}
	}
	p := b.String()
	if g.chance(0.25) {
		p += g.pick(";o", ";c", ";o(-er)")
	}
	return p
}

func (g *gen) formatInteger() call {
	n := g.number()
	p := g.integerPicture()
	if (strings.HasPrefix(p, "i") || strings.HasPrefix(p, "I")) && math.Abs(n) >= 1e6 {
		n = math.Mod(n, 1e6) // JSONata's stack limit for numerals lies near 9e6 and varies
	}
	return call{Fn: "formatInteger", Args: []any{n, p}}
}

func (g *gen) parseInteger() call {
	p := g.integerPicture()
	var s string
	if g.chance(0.75) {
		n := math.Floor(math.Abs(g.number()))
		if n > 1e15 {
			n = math.Mod(n, 1e15)
		}
		if strings.HasPrefix(p, "i") || strings.HasPrefix(p, "I") {
			n = math.Mod(n, 5000)
		}
		if out, err := FormatInteger(n, p); err == nil {
			s = out
		}
	}
	if s == "" || g.chance(0.15) {
		s = g.pick("", "12", "0x1F", " 42", "12abc", "abc", "mmxx", "XIV", "twenty-one", "one thousand and one",
			"twenty  one", "Five Hundred", "zz", "1,234", "١٢", "12th", "-5", "1e3", "hundred", "constructor",
			"1st", "2nd", "11th", "abcth", "twenty,one", "one\\two", "and", "one-", "FIFTY-FIFTH", "1:234,567", "AAAAAAAAAAA", "xıv", "  ")
	}
	return call{Fn: "parseInteger", Args: []any{s, p}}
}

// --- $fromMillis and $toMillis ---

var dateMarkers = []string{
	"[Y0001]", "[Y]", "[Y,2]", "[Y01]", "[Y,4]", "[YI]", "[Yw]", "[Y0001,2-2]", "[Y##01,2-2]", "[Y,*-4]", "[Y9,999,*]",
	"[M01]", "[M]", "[M1,2]", "[MNn]", "[MN]", "[Mn]", "[MNn,3-3]", "[MA]", "[Mi]", "[Mwo]",
	"[D01]", "[D]", "[D1o]", "[Dwo]", "[D#1,2]", "[Da]", "[DW]",
	"[d]", "[d001]", "[dwo]", "[F]", "[FNn]", "[FN,3-3]", "[F1]", "[F0]", "[Fn,*-2]",
	"[W]", "[W01]", "[w]", "[X]", "[X0001]", "[x]", "[xNn]",
	"[H01]", "[H]", "[h]", "[h01]", "[P]", "[PN]", "[Pn]",
	"[m01]", "[m]", "[s01]", "[s]", "[f001]", "[f1]", "[f01]", "[f]",
	"[Z]", "[Z01:01]", "[Z01:01t]", "[Z0101t]", "[Z0]", "[Z1]", "[Z01]", "[Z0001]", "[z]", "[z01:01t]",
	"[C]", "[E]", "[ M 0 1 ]", "[Y#,##0]",
}

var dateLiterals = []string{"-", "-", ":", ":", " ", "T", "/", ".", ", ", " at ", "[[", "]]", "Week ", "'", "+"}

// faultyMarkers are markers JSONata rejects or mishandles.
var faultyMarkers = []string{"[YN]", "[q]", "[q1]", "[fN]", "[Zi]", "[Z010101]", "[D,2-]", "[M,-3]", "[ZN]", "[", "[Y0١]"}

func (g *gen) datePicture() string {
	var b strings.Builder
	for i := 1 + g.r.IntN(6); i > 0; i-- {
		if g.chance(0.03) {
			b.WriteString(faultyMarkers[g.r.IntN(len(faultyMarkers))])
		}
		b.WriteString(dateMarkers[g.r.IntN(len(dateMarkers))])
		if g.chance(0.7) {
			b.WriteString(dateLiterals[g.r.IntN(len(dateLiterals))])
		}
	}
	return b.String()
}

func (g *gen) millis() float64 {
	switch g.r.IntN(8) {
	case 0:
		return float64(g.r.Int64N(4e12)) - 1e12
	case 1:
		return float64(g.r.Int64N(2e14)) - 1e14 // years -1200 to 5100
	case 2:
		return float64(g.r.Int64N(1.7e16)) - 8.5e15 // near the limits of dates
	case 3:
		return 8.64e15 + float64(g.r.IntN(3)-1)*1e5 // across the last valid time
	case 4:
		return float64(g.r.Int64N(4e12)-2e12) + g.pickFloat(0.5, -0.5, 0.25, 0.999)
	case 5:
		// the turn of a year, where ISO weeks are tricky
		y := 1990 + g.r.IntN(60)
		return dateUTC(float64(y), 11, float64(25+g.r.IntN(14)), float64(g.r.IntN(24)), 0, 0, 0)
	case 6:
		return dateUTC(float64(g.r.IntN(100)), float64(g.r.IntN(12)), float64(1+g.r.IntN(28)), 12, 0, 0, 0) // years 0-99 and 1900s
	}
	return float64(g.r.Int64N(2e12))
}

func (g *gen) timezone() any {
	if g.chance(0.4) {
		return nil
	}
	return g.pick("+0000", "-0500", "+0530", "-0530", "+1345", "-1200", "0", "", "abc", "-0000", "+5", "0100", "+01:30", "-0001", "1e3", "0x10",
		"+2400", "-9999", "99999", " 0530", "+0x10", "1.5", "-1.5", "+0059", "-0059", "123456789012")
}

func (g *gen) fromMillis() call {
	var pic any
	if !g.chance(0.1) {
		pic = g.datePicture()
	}
	if g.chance(0.02) {
		pic = ""
	}
	return call{Fn: "fromMillis", Args: []any{g.millis(), pic, g.timezone()}}
}

// parseMarkers are markers whose output reads back.
var parseMarkers = []string{
	"[Y0001]", "[Y]", "[Y,2]", "[Y,*-4]", "[YI]", "[Yw]",
	"[M01]", "[M]", "[MNn]", "[MNn,3-3]", "[Mi]", "[MA]", "[MN]",
	"[D01]", "[D]", "[D1o]", "[Dw]", "[Dwo]", "[Da]",
	"[d]", "[d001]", "[dwo]", "[FNn]", "[FNn,3-3]", "[F1]",
	"[H01]", "[H]", "[h]", "[P]", "[m01]", "[m]", "[s01]", "[s]", "[f001]", "[f]",
	"[Z]", "[Z01:01]", "[Z0101]", "[Z0]", "[z]", "[Z0001]",
	"[X]", "[W]", "[x]", "[w]", "[C]", "[q]",
	"[Z01.01]", "[Z01?01]", "[Z01|01]", "[Z01\\01]", "[Z01*01]", "[Z01(01]", "[Z01[01]", "[Z01a01]",
}

// datePlans are component sets from which $toMillis can build a time.
var datePlans = [][]string{
	{"Y", "M", "D"}, {"Y", "M", "D", "H", "m"}, {"Y", "M", "D", "H", "m", "s"}, {"Y", "M", "D", "H", "m", "s", "f", "Z"},
	{"D", "M", "Y", "h", "m", "P"}, {"Y", "d"}, {"Y", "d", "H", "m", "s"}, {"H", "m"}, {"M", "D"}, {"Y"}, {"Y", "M"},
	{"F", "D", "M", "Y"}, {"h", "m", "P"}, {"Y", "M", "D", "H", "m", "z"}, {"D", "M", "Y", "H", "m", "s", "Z"},
}

var planMarkers = map[string][]string{
	"Y": {"[Y0001]", "[Y]", "[Y,*-4]", "[YI]", "[Yw]", "[Y,2]"},
	"M": {"[M01]", "[M]", "[MNn]", "[MNn,3-3]", "[Mi]", "[MA]", "[MN]"},
	"D": {"[D01]", "[D]", "[D1o]", "[Dw]", "[Dwo]", "[Da]", "[DW]"},
	"d": {"[d]", "[d001]", "[dwo]"},
	"F": {"[FNn]", "[FNn,3-3]", "[F1]"},
	"H": {"[H01]", "[H]"}, "h": {"[h]", "[h01]"}, "P": {"[P]", "[PN]"},
	"m": {"[m01]", "[m]"}, "s": {"[s01]", "[s]"}, "f": {"[f001]", "[f]"},
	"Z": {"[Z]", "[Z01:01]", "[Z0101]", "[Z0]", "[Z0001]", "[Z01:01t]"}, "z": {"[z]", "[z01]"},
}

func (g *gen) parsePicture() string {
	if g.chance(0.75) {
		var b strings.Builder
		plan := datePlans[g.r.IntN(len(datePlans))]
		for i, c := range plan {
			if i > 0 {
				b.WriteString(g.pick("-", "-", " ", ":", "/", "T", ", ", " of ", ""))
			}
			opts := planMarkers[c]
			b.WriteString(opts[g.r.IntN(len(opts))])
		}
		return b.String()
	}
	var b strings.Builder
	for i := 1 + g.r.IntN(7); i > 0; i-- {
		b.WriteString(parseMarkers[g.r.IntN(len(parseMarkers))])
		if g.chance(0.8) {
			b.WriteString(g.pick("-", "-", " ", ":", "/", "T", ".", ", ", " of "))
		}
	}
	return b.String()
}

func (g *gen) isoText() string {
	var b strings.Builder
	b.WriteString(g.digits(4))
	for i := g.r.IntN(3); i > 0; i-- {
		b.WriteString("-" + g.pick("0", "1") + g.digits(1))
	}
	if g.chance(0.3) {
		b.WriteString("-" + g.pick("0", "1", "2", "3") + g.digits(1))
	}
	if g.chance(0.5) {
		b.WriteString("T" + g.pick("0", "1", "2") + g.digits(1) + ":" + g.pick("0", "3", "5") + g.digits(1) + ":" + g.pick("0", "5") + g.digits(1))
	}
	if g.chance(0.3) {
		b.WriteString("." + g.digits(1+g.r.IntN(5)))
	}
	switch g.r.IntN(4) {
	case 0:
		b.WriteString("Z")
	case 1:
		b.WriteString(g.pick("+", "-") + g.pick("0", "1", "2") + g.digits(1) + g.pick(":", "") + g.pick("0", "3", "5") + g.digits(1))
	}
	if g.chance(0.05) {
		return g.pick("foo", "2018-02-03 11:15:33", "01-02-2018", "", "2018-1", "+002018-01-01")
	}
	return b.String()
}

func (g *gen) digits(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return b.String()
}

func (g *gen) toMillis() call {
	now := int64(1.6e12) + g.r.Int64N(1e11)
	if g.chance(0.3) {
		return call{Fn: "toMillis", Args: []any{g.isoText()}, Now: now}
	}
	pic := g.parsePicture()
	var s string
	if g.chance(0.85) {
		var tz *string
		if z, ok := g.timezone().(string); ok && z != "abc" && z != "" {
			tz = &z
		}
		ms := float64(g.r.Int64N(4e12)) - 1e12
		if out, err := FromMillis(ms, &pic, tz); err == nil {
			s = out
		}
	}
	if s == "" || g.chance(0.1) {
		s = g.pick("irrelevant", "2018-05-22", "12:30", "Mon 5", "March", "march", "MARCH", "4/4/2018 12:06 pm", "18", "+05:30", "",
			"2018-13-45", "0099-01-01", "1 Am", "12 PM", "GMT-05:00", "-05:30", "00:00", "365", "2018-366")
	}
	return call{Fn: "toMillis", Args: []any{s, pic}, Now: now}
}

func (g *gen) formatBase() call {
	radix := float64(2 + g.r.IntN(35))
	switch g.r.IntN(10) {
	case 0:
		radix = float64(g.r.IntN(60) - 10)
	case 1:
		radix += 0.5
	}
	args := []any{g.number(), radix}
	if g.chance(0.1) {
		args = args[:1]
	}
	return call{Fn: "formatBase", Args: args}
}
