package picture

import (
	"math"
	"regexp"
	"strings"
)

// This file holds $toMillis with a picture: the input is matched against
// an expression built from the picture, the components are read, and the
// missing ones are filled in as JSONata does (more significant ones from
// the current time, less significant ones from zero).

// dateMatcher returns the matcher of one part of a dateTime picture.
func dateMatcher(p *part) (*matcher, error) {
	if p.isLiteral {
		return &matcher{regex: foldLiteral(p.literal.String())}, nil
	}
	var c uint16
	if len(p.component) == 1 {
		c = p.component[0]
	}
	switch {
	case c == 'Z' || c == 'z':
		return zoneMatcher(p, c), nil
	case p.integer != nil:
		f := *p.integer
		f.width = p.n
		m, err := integerMatcher(&f)
		if m != nil {
			m.component = c
		}
		return m, err
	}
	lookup, err := nameLookup(p, c)
	if err != nil {
		return nil, err
	}
	return &matcher{regex: "[a-zA-Z]+", component: c, parse: func(s jstr) (fragment, error) {
		if v, ok := lookup[s.String()]; ok {
			return numFragment(v), nil
		}
		return fragment{}, nil
	}}, nil
}

// nameLookup maps the month, day or am/pm names a marker accepts (as
// JSONata writes them, truncated to the maximum width) to their values.
func nameLookup(p *part, c uint16) (map[string]float64, error) {
	trim := func(name string) string {
		if p.width != nil && p.width.hasMax && p.width.max != 0 && !math.IsNaN(p.width.max) {
			return toJS(name).substring(0, toInt(p.width.max)).String()
		}
		return name
	}
	lookup := map[string]float64{}
	switch c {
	case 'M', 'x':
		for i, name := range monthNames {
			lookup[trim(name)] = float64(i + 1)
		}
	case 'F':
		for i, name := range dayNames[1:] {
			lookup[trim(name)] = float64(i + 1)
		}
	case 'P':
		lookup = map[string]float64{"am": 0, "AM": 0, "pm": 1, "PM": 1}
	default:
		return nil, jsonataError("D3133", p.component.String())
	}
	return lookup, nil
}

// zoneMatcher reads "±hh:mm", "±hhmm" or "±h", after "GMT" for z. Like
// JSONata, it takes the hours' sign for the whole offset only when there
// are no minutes.
func zoneMatcher(p *part, c uint16) *matcher {
	var sep jstr
	if p.integer.regular {
		sep = p.integer.regularSep.char
	}
	re := ""
	if c == 'z' {
		re = foldLiteral("GMT")
	}
	re += "[-+][0-9]+"
	if sep != nil {
		re += zoneSeparator(sep) + "[0-9]+"
	}
	return &matcher{regex: re, component: c, parse: func(s jstr) (fragment, error) {
		if c == 'z' {
			s = s.from(3)
		}
		var hours, minutes float64
		switch {
		case sep != nil:
			i := s.indexOf(sep, 0)
			hours, minutes = parseInt(s.substring(0, i)), parseInt(s.from(i+1))
		case len(s)-1 <= 2:
			hours = parseInt(s)
		default:
			hours, minutes = parseInt(s.substring(0, 3)), parseInt(s.from(3))
		}
		return numFragment(float64(hours*60) + minutes), nil
	}}
}

// Component masks, one bit per component in the order YXMxWwdD (date)
// and PHhmsf (time); a combination is usable when the components present
// are a non-empty subset of it.
const (
	dateYMD  = 0b10100001
	dateYd   = 0b10000010
	dateXxwF = 0b01010100
	dateXWF  = 0b01001000
	timeHmsf = 0b010111
	timePhms = 0b101111
)

type components map[uint16]fragment

func (c components) mask(order string) int {
	m := 0
	for i := 0; i < len(order); i++ {
		m <<= 1
		if c[uint16(order[i])].truthy() {
			m++
		}
	}
	return m
}

func fits(mask, combination int) bool { return ^combination&mask == 0 && combination&mask != 0 }

// parseDateTime is $toMillis(s, picture) with a picture, now being the
// evaluation's timestamp. ok is false when s does not match.
func parseDateTime(s, picture jstr, now float64) (float64, bool, error) {
	parts, err := analyseDateTime(picture)
	if err != nil {
		return 0, false, err
	}
	matchers := make([]*matcher, len(parts))
	var re strings.Builder
	re.WriteString("^")
	for i, p := range parts {
		if matchers[i], err = dateMatcher(p); err != nil {
			return 0, false, err
		}
		re.WriteString("(" + matchers[i].regex + ")")
	}
	re.WriteString("$")
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return 0, false, jsError("SyntaxError", "Invalid regular expression: "+err.Error())
	}
	text := s.String()
	loc := compiled.FindStringSubmatchIndex(text)
	if loc == nil {
		return 0, false, nil
	}
	comps := components{}
	for i, m := range matchers {
		if m.parse == nil {
			continue
		}
		if loc[2*i+2] < 0 {
			return 0, false, jsError("TypeError", "Cannot read properties of undefined")
		}
		v, err := m.parse(toJS(text[loc[2*i+2]:loc[2*i+3]]))
		if err != nil {
			return 0, false, err
		}
		comps[m.component] = v
	}
	if len(comps) == 0 {
		return 0, false, nil
	}
	millis, err := comps.resolve(now)
	return millis, err == nil, err
}

// resolve fills in the missing components and computes the time.
func (c components) resolve(now float64) (float64, error) {
	dm := c.mask("YXMxWwdD")
	dateA := fits(dm, dateYMD)
	dateB := !dateA && fits(dm, dateYd)
	dateC := fits(dm, dateXxwF)
	dateD := !dateC && fits(dm, dateXWF)
	tm := c.mask("PHhmsf")
	timeA := fits(tm, timeHmsf)
	timeB := !timeA && fits(tm, timePhms)

	order := "YMD"
	switch {
	case dateB:
		order = "YD"
	case dateC:
		order = "XxwF"
	case dateD:
		order = "XWF"
	}
	if timeB {
		order += "Phmsf"
	} else {
		order += "Hmsf"
	}
	if err := c.fill(order, newDate(now)); err != nil {
		return 0, err
	}
	month := c['M']
	if month.defined && !month.isStr && month.num > 0 {
		month.num--
	} else {
		month = numFragment(0)
	}
	c['M'] = month
	if dateB {
		firstJan := dateOf(c.num('Y'), 0)
		days := float64(float64(float64(float64((c.num('d')-1)*1000)*60)*60) * 24)
		d := newDate(firstJan + days)
		c['M'], c['D'] = numFragment(d.month()), numFragment(d.date())
	}
	if dateC || dateD {
		return 0, jsonataError("D3136", nil)
	}
	if timeB {
		h := c.num('h')
		if h == 12 {
			h = 0
		}
		if c['P'].isNumber(1) {
			h += 12
		}
		c['H'] = numFragment(h)
	}
	millis := dateUTC(c.num('Y'), c.num('M'), c.num('D'), c.num('H'), c.num('m'), c.num('s'), c.num('f'))
	if z := c['Z']; z.truthy() {
		millis -= float64(z.num * 60 * 1000)
	} else if z := c['z']; z.truthy() {
		millis -= float64(z.num * 60 * 1000)
	}
	return millis, nil
}

// num is a component as Date.UTC reads it: a number, NaN otherwise.
func (c components) num(k uint16) float64 {
	f := c[k]
	if !f.defined || f.isStr {
		return math.NaN()
	}
	return f.num
}

// fill defaults the components of order, most significant first: those
// before the first one given come from now, those after the last one
// given are zero (one for a month or day). A gap between given ones is an
// error.
func (c components) fill(order string, now jsDate) error {
	started, ended := false, false
	for i := 0; i < len(order); i++ {
		k := uint16(order[i])
		if c[k].defined {
			started = true
			if ended {
				return jsonataError("D3136", nil)
			}
			continue
		}
		if started {
			v := 0.0
			if strings.IndexByte("MDd", order[i]) >= 0 {
				v = 1
			}
			c[k] = numFragment(v)
			ended = true
		} else {
			c[k] = fragmentOf(now, k)
		}
	}
	return nil
}
