package picture

import (
	"math"
	"strings"
)

// This file holds the analysis of fn:format-dateTime pictures and the
// formatting of a time by them, as JSONata implements both.

// width is a marker's width modifier; a bound that is absent ("*" or
// missing) is flagged, and one that does not parse is NaN.
type width struct {
	min, max       float64
	hasMin, hasMax bool
}

// part is a literal or a variable marker of a dateTime picture.
type part struct {
	literal   jstr // for a literal
	isLiteral bool

	component     jstr // one code unit; empty only for a literal
	width         *width
	presentation1 jstr
	presentation2 uint16 // 'a', 't', 'c' or 'o'; 0 for none
	names         letterCase
	hasNames      bool
	integer       *integerFormat // nil where JSONata leaves it undefined
	n             float64        // digits of a year, month or day; -1 for any; NaN elsewhere
}

func (p *part) is(components string) bool {
	return len(p.component) == 1 && p.component[0] < 0x80 && strings.IndexByte(components, byte(p.component[0])) >= 0
}

var defaultPresentation = map[uint16]string{
	'Y': "1", 'M': "1", 'D': "1", 'd': "1", 'F': "n", 'W': "1", 'w': "1", 'X': "1", 'x': "1", 'H': "1", 'h': "1",
	'P': "n", 'm': "01", 's': "01", 'f': "1", 'Z': "01:01", 'z': "01:01", 'C': "n", 'E': "n",
}

// isoParts is the analysed picture JSONata formats with when none is
// given. Formatting only reads analysed parts, so one copy serves all.
var isoParts = func() []*part {
	parts, _ := analyseDateTime(toJS("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"))
	return parts
}()

// analyseDateTime splits a picture into literals and markers. "[[" and
// "]]" stand for brackets; white space inside a marker is ignored.
func analyseDateTime(picture jstr) ([]*part, error) {
	var parts []*part
	addLiteral := func(start, end int) {
		if end > start {
			lit := picture.substring(start, end).replaceAll(toJS("]]"), jstr{']'})
			parts = append(parts, &part{literal: lit, isLiteral: true})
		}
	}
	start, pos := 0, 0
	for pos < len(picture) {
		if picture[pos] == '[' {
			if pos+1 < len(picture) && picture[pos+1] == '[' {
				addLiteral(start, pos)
				parts = append(parts, &part{literal: jstr{'['}, isLiteral: true})
				pos += 2
				start = pos
				continue
			}
			addLiteral(start, pos)
			start = pos
			pos = picture.indexOf(jstr{']'}, start)
			if pos == -1 {
				return nil, jsonataError("D3135", nil)
			}
			p, err := analyseMarker(picture.substring(start+1, pos).removeSpace())
			if err != nil {
				return nil, err
			}
			parts = append(parts, p)
			start = pos + 1
		}
		pos++
	}
	addLiteral(start, pos)
	return parts, nil
}

func analyseMarker(marker jstr) (*part, error) {
	p := &part{component: marker.charAt(0), n: math.NaN()}
	var pres jstr
	if comma := marker.lastIndexOf(jstr{','}); comma != -1 {
		p.width = parseWidth(marker.from(comma + 1))
		pres = marker.substring(1, comma)
	} else {
		pres = marker.from(1)
	}
	switch {
	case len(pres) == 1:
		p.presentation1 = pres
	case len(pres) > 1:
		last := pres[len(pres)-1]
		if last == 'a' || last == 't' || last == 'c' || last == 'o' {
			p.presentation2 = last
			p.presentation1 = pres.substring(0, len(pres)-1)
		} else {
			p.presentation1 = pres
		}
	default:
		def, ok := "", false
		if len(p.component) == 1 {
			def, ok = defaultPresentation[p.component[0]]
		}
		if !ok {
			return nil, jsonataError("D3132", p.component.String())
		}
		p.presentation1 = toJS(def)
	}
	return p, p.analysePresentation()
}

func parseWidth(mod jstr) *width {
	w := &width{}
	bound := func(s jstr) (float64, bool) {
		if s.eqs("*") {
			return 0, false
		}
		return parseInt(s), true
	}
	if dash := mod.indexOf(jstr{'-'}, 0); dash == -1 {
		w.min, w.hasMin = bound(mod)
	} else {
		w.min, w.hasMin = bound(mod.substring(0, dash))
		w.max, w.hasMax = bound(mod.from(dash + 1))
	}
	return w
}

func (p *part) analysePresentation() error {
	switch {
	case p.presentation1[0] == 'n':
		p.names, p.hasNames = lowerCase, true
	case p.presentation1[0] == 'N':
		p.names, p.hasNames = upperCase, true
		if len(p.presentation1) > 1 && p.presentation1[1] == 'n' {
			p.names = titleCase
		}
	case p.is("YMDdFWwXxHhmsf"):
		pattern := p.presentation1
		if p.presentation2 != 0 {
			pattern = cat(pattern, jstr{';', p.presentation2})
		}
		f, err := analyseInteger(pattern)
		if err != nil {
			return err
		}
		p.integer = f
		if p.width != nil && p.width.hasMin && f.mandatory < p.width.min {
			f.mandatory = p.width.min
		}
		if p.is("YMD") {
			p.n = -1
			if p.width != nil && p.width.hasMax {
				p.n = p.width.max
				f.mandatory = p.n
			} else if w := f.mandatory + f.optional; w >= 2 {
				p.n = w
			}
		}
	}
	if p.is("Zz") {
		f, err := analyseInteger(p.presentation1)
		if err != nil {
			return err
		}
		p.integer = f
	}
	return nil
}

var (
	dayNames   = [...]string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// fragment is the value of a date component: a number, a string or
// JavaScript's undefined.
type fragment struct {
	num     float64
	str     string
	isStr   bool
	defined bool
}

func numFragment(v float64) fragment { return fragment{num: v, defined: true} }
func strFragment(s string) fragment  { return fragment{str: s, isStr: true, defined: true} }
func (f fragment) truthy() bool {
	return f.defined && (f.isStr && f.str != "" || !f.isStr && f.num != 0 && !math.IsNaN(f.num))
}
func (f fragment) isNumber(v float64) bool { return f.defined && !f.isStr && f.num == v }

// yearMonth is a month of a year, month from 0.
type yearMonth struct{ year, month float64 }

func (ym yearMonth) next() yearMonth {
	if ym.month == 11 {
		return yearMonth{ym.year + 1, 0}
	}
	return yearMonth{ym.year, ym.month + 1}
}

func (ym yearMonth) previous() yearMonth {
	if ym.month == 0 {
		return yearMonth{ym.year - 1, 11}
	}
	return yearMonth{ym.year, ym.month - 1}
}

// startOfFirstWeek is the Monday that starts the month's (or year's)
// first week: the week holding its first Thursday.
func startOfFirstWeek(ym yearMonth) float64 {
	first := dateOf(ym.year, ym.month)
	day := newDate(first).weekday()
	if day == 0 {
		day = 7
	}
	if day > 4 {
		return first + float64((8-day)*msPerDay)
	}
	return first - float64((day-1)*msPerDay)
}

func deltaWeeks(start, end float64) float64 { return (end-start)/(msPerDay*7) + 1 }

// fragmentOf is the value of component c of date d.
func fragmentOf(d jsDate, c uint16) fragment {
	switch c {
	case 'Y':
		return numFragment(d.year())
	case 'M':
		return numFragment(d.month() + 1)
	case 'D':
		return numFragment(d.date())
	case 'd':
		today := dateUTC(d.year(), d.month(), d.date(), 0, 0, 0, 0)
		return numFragment((today-dateOf(d.year(), 0))/msPerDay + 1)
	case 'F':
		day := d.weekday()
		if day == 0 {
			day = 7
		}
		return numFragment(day)
	case 'W':
		return numFragment(weekOfYear(d))
	case 'w':
		return numFragment(weekOfMonth(d))
	case 'X':
		return numFragment(weekYear(d))
	case 'x':
		return numFragment(weekMonth(d))
	case 'H':
		return numFragment(d.hours())
	case 'h':
		h := math.Mod(d.hours(), 12)
		if h == 0 {
			h = 12
		}
		return numFragment(h)
	case 'P':
		if d.hours() >= 12 {
			return strFragment("pm")
		}
		return strFragment("am")
	case 'm':
		return numFragment(d.minutes())
	case 's':
		return numFragment(d.seconds())
	case 'f':
		return numFragment(d.millis())
	case 'C', 'E':
		return strFragment("ISO")
	}
	return fragment{}
}

func weekOfYear(d jsDate) float64 {
	this := yearMonth{d.year(), 0}
	start := startOfFirstWeek(this)
	today := dateUTC(this.year, d.month(), d.date(), 0, 0, 0, 0)
	week := deltaWeeks(start, today)
	if week > 52 {
		if today >= startOfFirstWeek(yearMonth{this.year + 1, 0}) {
			week = 1
		}
	} else if week < 1 {
		week = deltaWeeks(startOfFirstWeek(yearMonth{this.year - 1, 0}), today)
	}
	return math.Floor(week)
}

func weekOfMonth(d jsDate) float64 {
	this := yearMonth{d.year(), d.month()}
	start := startOfFirstWeek(this)
	today := dateUTC(this.year, this.month, d.date(), 0, 0, 0, 0)
	week := deltaWeeks(start, today)
	if week > 4 {
		if today >= startOfFirstWeek(this.next()) {
			week = 1
		}
	} else if week < 1 {
		week = deltaWeeks(startOfFirstWeek(this.previous()), today)
	}
	return math.Floor(week)
}

func weekYear(d jsDate) float64 {
	this := yearMonth{d.year(), 0}
	now := d.time()
	switch {
	case now < startOfFirstWeek(this):
		return this.year - 1
	case now >= startOfFirstWeek(yearMonth{this.year + 1, 0}):
		return this.year + 1
	}
	return this.year
}

func weekMonth(d jsDate) float64 {
	this := yearMonth{d.year(), d.month()}
	next := this.next()
	now := d.time()
	switch {
	case now < startOfFirstWeek(this):
		return this.previous().month + 1
	case now >= startOfFirstWeek(next):
		return next.month + 1
	}
	return this.month + 1
}

// offset is a timezone offset parsed as JSONata parses "±HHMM": the
// integer's hundreds are hours (rounded down) and the rest minutes.
type offset struct{ hours, minutes float64 }

func parseOffset(tz *string) offset {
	if tz == nil {
		return offset{}
	}
	v := parseInt(toJS(*tz))
	return offset{hours: math.Floor(v / 100), minutes: math.Mod(v, 100)}
}

// formatDateTime formats millis by the analysed picture in the timezone.
func formatDateTime(millis float64, parts []*part, tz offset) (string, error) {
	shift := float64((float64(60*tz.hours) + tz.minutes) * 60 * 1000)
	d := newDate(millis + shift)
	var out jstr
	for _, p := range parts {
		if p.isLiteral {
			out = append(out, p.literal...)
			continue
		}
		s, err := p.format(d, tz)
		if err != nil {
			return "", err
		}
		out = append(out, s...)
	}
	return out.String(), nil
}

var undefinedText = toJS("undefined")

// format renders one marker; a component JSONata has no value for comes
// out as "undefined", as string concatenation makes it in JavaScript.
func (p *part) format(d jsDate, tz offset) (jstr, error) {
	var c uint16
	if len(p.component) == 1 {
		c = p.component[0]
	}
	v := fragmentOf(d, c)
	switch {
	case p.is("YMDdFWwXxHhms"):
		if c == 'Y' && p.n != -1 {
			v.num = math.Mod(v.num, fdlibmPow(10, p.n))
		}
		if p.hasNames {
			return p.formatName(c, v.num)
		}
		return p.integer.format(v.num)
	case c == 'f':
		if p.integer == nil {
			return nil, jsError("TypeError", "Cannot read properties of undefined (reading 'primary')")
		}
		return p.integer.format(v.num)
	case c == 'Z' || c == 'z':
		return p.formatZone(c, tz)
	case c == 'P':
		if p.hasNames && p.names == upperCase {
			return toJS(strings.ToUpper(v.str)), nil
		}
	}
	if !v.defined {
		return undefinedText, nil
	}
	if v.isStr {
		return toJS(v.str), nil
	}
	return toJS(numberToString(v.num)), nil
}

func (p *part) formatName(c uint16, v float64) (jstr, error) {
	var name string
	found := false
	switch c {
	case 'M', 'x':
		if i := v - 1; i >= 0 && i < 12 && i == math.Trunc(i) {
			name, found = monthNames[int(i)], true
		}
	case 'F':
		if v >= 0 && v < 8 && v == math.Trunc(v) {
			name, found = dayNames[int(v)], true
		}
	default:
		return nil, jsonataError("D3133", p.component.String())
	}
	if !found {
		if p.names != titleCase {
			return nil, jsError("TypeError", "Cannot read properties of undefined (reading 'toUpperCase')")
		}
		if p.width != nil {
			return nil, jsError("TypeError", "Cannot read properties of undefined (reading 'length')")
		}
		return undefinedText, nil
	}
	s := toJS(name)
	switch p.names {
	case upperCase:
		s = s.upper()
	case lowerCase:
		s = s.lower()
	}
	if p.width != nil && p.width.hasMax && float64(len(s)) > p.width.max {
		s = s.substring(0, toInt(p.width.max))
	}
	return s, nil
}

func (p *part) formatZone(c uint16, tz offset) (jstr, error) {
	off := float64(tz.hours*100) + tz.minutes
	var s jstr
	var err error
	f := p.integer
	switch digits := f.mandatory; {
	case f.primary == decimalFormat && f.regular:
		s, err = f.format(off)
	case digits == 1 || digits == 2:
		s, err = f.format(tz.hours)
		if err == nil && tz.minutes != 0 {
			mins, _ := twoDigits.format(math.Floor(tz.minutes))
			s = cat(s, jstr{':'}, mins)
		}
	case digits == 3 || digits == 4:
		s, err = f.format(off)
	default:
		var value any
		if !math.IsNaN(digits) {
			value = digits
		}
		return nil, jsonataError("D3134", value)
	}
	if err != nil {
		return nil, err
	}
	if off >= 0 {
		s = cat(jstr{'+'}, s)
	}
	if c == 'z' {
		s = cat(toJS("GMT"), s)
	}
	if off == 0 && p.presentation2 == 't' {
		s = jstr{'Z'}
	}
	return s, nil
}

// twoDigits is the "00" picture JSONata writes offset minutes with.
var twoDigits = func() *integerFormat {
	f, _ := analyseInteger(toJS("00"))
	return f
}()
