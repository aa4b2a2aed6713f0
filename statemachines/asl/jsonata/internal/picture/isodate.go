package picture

import (
	"math"
	"regexp"
)

// This file holds $toMillis without a picture. JSONata checks the string
// against a loose ISO 8601 expression and hands it to JavaScript's
// Date.parse, so the result is what V8's date parser makes of it: an ES5
// date-time string where it is one, and otherwise V8's legacy reading
// (which turns "2018.5" into 1 May 2018, and "2018-13" into NaN). This is
// a Go rendering of that parser for the strings the expression admits and
// any other; local time is UTC.

var isoTimestamp = regexp.MustCompile(`^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$`)

// parseISO is $toMillis(s) with no picture.
func parseISO(s string) (float64, error) {
	if !isoTimestamp.MatchString(s) {
		return 0, jsonataError("D3110", s)
	}
	return dateParse(toJS(s)), nil
}

const none = math.MaxInt32 // V8's kNone: a value not given

type tokenKind int

const (
	tokInvalid tokenKind = iota
	tokUnknown
	tokWhiteSpace
	tokNumber
	tokSymbol
	tokEnd
	tokKeyword
)

type keywordKind int

const (
	kwInvalid keywordKind = iota
	kwMonth
	kwZone
	kwTimeSeparator
	kwAmPm
)

type dateToken struct {
	kind    tokenKind
	keyword keywordKind
	length  int
	value   int
}

func (t dateToken) isSymbol(c int) bool { return t.kind == tokSymbol && t.value == c }
func (t dateToken) isSign() bool        { return t.isSymbol('+') || t.isSymbol('-') }
func (t dateToken) sign() int           { return 44 - t.value } // '+' → 1, '-' → -1
func (t dateToken) isNumberOf(n int) bool {
	return t.kind == tokNumber && t.length == n
}
func (t dateToken) isKeywordZ() bool {
	return t.kind == tokKeyword && t.keyword == kwZone && t.length == 1 && t.value == 0
}

var dateKeywords = []struct {
	prefix string
	kind   keywordKind
	value  int
}{
	{"jan", kwMonth, 1}, {"feb", kwMonth, 2}, {"mar", kwMonth, 3}, {"apr", kwMonth, 4},
	{"may", kwMonth, 5}, {"jun", kwMonth, 6}, {"jul", kwMonth, 7}, {"aug", kwMonth, 8},
	{"sep", kwMonth, 9}, {"oct", kwMonth, 10}, {"nov", kwMonth, 11}, {"dec", kwMonth, 12},
	{"am\x00", kwAmPm, 0}, {"pm\x00", kwAmPm, 12},
	{"ut\x00", kwZone, 0}, {"utc", kwZone, 0}, {"z\x00\x00", kwZone, 0}, {"gmt", kwZone, 0},
	{"cdt", kwZone, -5}, {"cst", kwZone, -6}, {"edt", kwZone, -4}, {"est", kwZone, -5},
	{"mdt", kwZone, -6}, {"mst", kwZone, -7}, {"pdt", kwZone, -7}, {"pst", kwZone, -8},
	{"t\x00\x00", kwTimeSeparator, 0},
}

// dateScanner tokenises a date string as V8's DateStringTokenizer does;
// a NUL character ends the input.
type dateScanner struct {
	s    jstr
	pos  int
	next dateToken
}

func newDateScanner(s jstr) *dateScanner {
	sc := &dateScanner{s: s}
	sc.next = sc.scan()
	return sc
}

func (sc *dateScanner) ch() uint16 {
	if sc.pos < len(sc.s) {
		return sc.s[sc.pos]
	}
	return 0
}

func (sc *dateScanner) Next() dateToken {
	t := sc.next
	sc.next = sc.scan()
	return t
}

func (sc *dateScanner) Peek() dateToken { return sc.next }

func (sc *dateScanner) skipSymbol(c int) bool {
	if sc.next.isSymbol(c) {
		sc.next = sc.scan()
		return true
	}
	return false
}

func (sc *dateScanner) scan() dateToken {
	c := sc.ch()
	start := sc.pos
	switch {
	case c == 0:
		return dateToken{kind: tokEnd}
	case c >= '0' && c <= '9':
		n, i := 0, 0
		for c := sc.ch(); c >= '0' && c <= '9'; c = sc.ch() {
			if i < 9 {
				n = n*10 + int(c-'0')
			}
			i++
			sc.pos++
		}
		return dateToken{kind: tokNumber, value: n, length: sc.pos - start}
	case c == ':' || c == '-' || c == '+' || c == '.' || c == ')':
		sc.pos++
		return dateToken{kind: tokSymbol, value: int(c), length: 1}
	case c >= 'A':
		var prefix [3]byte
		for c := sc.ch(); c >= 'A'; c = sc.ch() {
			if n := sc.pos - start; n < 3 {
				prefix[n] = byte(c | 0x20)
			}
			sc.pos++
		}
		return lookupKeyword(prefix, sc.pos-start)
	case isJSSpace(c):
		sc.pos++
		return dateToken{kind: tokWhiteSpace, length: 1}
	case c == '(':
		depth := 0
		for {
			switch sc.ch() {
			case ')':
				depth--
			case '(':
				depth++
			}
			sc.pos++
			if depth <= 0 || sc.ch() == 0 {
				break
			}
		}
		return dateToken{kind: tokUnknown, length: 1}
	}
	sc.pos++
	return dateToken{kind: tokUnknown, length: 1}
}

func lookupKeyword(prefix [3]byte, length int) dateToken {
	for _, k := range dateKeywords {
		if string(prefix[:]) == k.prefix && (length <= 3 || k.kind == kwMonth) {
			return dateToken{kind: tokKeyword, keyword: k.kind, value: k.value, length: length}
		}
	}
	return dateToken{kind: tokKeyword, keyword: kwInvalid, length: length}
}

func between(x, lo, hi int) bool { return uint32(x-lo) <= uint32(hi-lo) }

type dayComposer struct {
	comp       [3]int
	n          int
	namedMonth int
	iso        bool
}

func (d *dayComposer) add(v int) bool {
	if d.n < 3 {
		d.comp[d.n] = v
		d.n++
		return true
	}
	return false
}

func (d *dayComposer) write() (year, month, day int, ok bool) {
	if d.n < 1 {
		return 0, 0, 0, false
	}
	for d.n < 3 {
		d.comp[d.n] = 1
		d.n++
	}
	month, day = none, none
	switch {
	case d.namedMonth == none && (d.iso || !between(d.comp[0], 1, 31)):
		year, month, day = d.comp[0], d.comp[1], d.comp[2]
	case d.namedMonth == none:
		month, day, year = d.comp[0], d.comp[1], d.comp[2]
	case !between(d.comp[0], 1, 31):
		month, year, day = d.namedMonth, d.comp[0], d.comp[1]
	default:
		month, day, year = d.namedMonth, d.comp[0], d.comp[1]
	}
	if !d.iso {
		if between(year, 0, 49) {
			year += 2000
		} else if between(year, 50, 99) {
			year += 1900
		}
	}
	if !between(month, 1, 12) || !between(day, 1, 31) {
		return 0, 0, 0, false
	}
	return year, month - 1, day, true
}

type timeComposer struct {
	comp       [4]int
	n          int
	hourOffset int
}

func (t *timeComposer) empty() bool { return t.n == 0 }
func (t *timeComposer) add(v int) bool {
	if t.n < 4 {
		t.comp[t.n] = v
		t.n++
		return true
	}
	return false
}
func (t *timeComposer) addFinal(v int) bool {
	if !t.add(v) {
		return false
	}
	for t.n < 4 {
		t.comp[t.n] = 0
		t.n++
	}
	return true
}
func (t *timeComposer) expecting(v int) bool {
	return (t.n == 1 && between(v, 0, 59)) || (t.n == 2 && between(v, 0, 59)) || (t.n == 3 && between(v, 0, 999))
}

func (t *timeComposer) write() (h, m, s, ms int, ok bool) {
	for t.n < 4 {
		t.comp[t.n] = 0
		t.n++
	}
	h, m, s, ms = t.comp[0], t.comp[1], t.comp[2], t.comp[3]
	if t.hourOffset != none {
		if !between(h, 0, 12) {
			return 0, 0, 0, 0, false
		}
		h = h%12 + t.hourOffset
	}
	if !between(h, 0, 23) || !between(m, 0, 59) || !between(s, 0, 59) || !between(ms, 0, 999) {
		if h != 24 || m != 0 || s != 0 || ms != 0 {
			return 0, 0, 0, 0, false
		}
	}
	return h, m, s, ms, true
}

type zoneComposer struct{ sign, hour, minute int }

func (z *zoneComposer) set(hours int) {
	z.sign = 1
	if hours < 0 {
		z.sign = -1
	}
	z.hour, z.minute = hours*z.sign, 0
}
func (z *zoneComposer) expecting(v int) bool {
	return z.hour != none && z.minute == none && between(v, 0, 59)
}
func (z *zoneComposer) isUTC() bool { return z.hour == 0 && z.minute == 0 }

// write returns the offset in seconds, or NaN for none given.
func (z *zoneComposer) write() (float64, bool) {
	if z.sign == none {
		return math.NaN(), true
	}
	h, m := z.hour, z.minute
	if h == none {
		h = 0
	}
	if m == none {
		m = 0
	}
	total := uint32(h)*3600 + uint32(m)*60
	if total > 1<<30-1 {
		return 0, false
	}
	if z.sign < 0 {
		return -float64(total), true
	}
	return float64(total), true
}

func readMillis(t dateToken) int {
	n, length := t.value, t.length
	switch {
	case length == 1:
		return n * 100
	case length == 2:
		return n * 10
	case length > 3:
		if length > 9 {
			length = 9
		}
		factor := 1
		for ; length > 3; length-- {
			factor *= 10
		}
		return n / factor
	}
	return n
}

// dateParse is Date.parse(s).
func dateParse(s jstr) float64 {
	sc := newDateScanner(s)
	day, tm := &dayComposer{namedMonth: none}, &timeComposer{hourOffset: none}
	tz := &zoneComposer{sign: none, hour: none, minute: none}
	next := parseES5(sc, day, tm, tz)
	if next.kind == tokInvalid || !parseLegacy(sc, next, day, tm, tz) {
		return math.NaN()
	}
	y, mo, d, ok1 := day.write()
	h, mi, se, ms, ok2 := tm.write()
	offset, ok3 := tz.write()
	if !ok1 || !ok2 || !ok3 {
		return math.NaN()
	}
	date := makeDate(makeDay(float64(y), float64(mo), float64(d)), makeTime(float64(h), float64(mi), float64(se), float64(ms)))
	if !math.IsNaN(offset) {
		date -= offset * 1000
	}
	return timeClip(date)
}

// parseES5 reads as much of an ES5 date-time string as there is and
// returns the first token it did not use (end of input when it read it
// all, invalid when the string cannot be a date).
func parseES5(sc *dateScanner, day *dayComposer, tm *timeComposer, tz *zoneComposer) dateToken {
	if sc.Peek().isSign() {
		signTok := sc.Next()
		if !sc.Peek().isNumberOf(6) {
			return signTok
		}
		year := sc.Next().value
		if signTok.sign() < 0 && year == 0 {
			return signTok
		}
		day.add(signTok.sign() * year)
	} else if sc.Peek().isNumberOf(4) {
		day.add(sc.Next().value)
	} else {
		return sc.Next()
	}
	if sc.skipSymbol('-') {
		if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 1, 12) {
			return sc.Next()
		}
		day.add(sc.Next().value)
		if sc.skipSymbol('-') {
			if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 1, 31) {
				return sc.Next()
			}
			day.add(sc.Next().value)
		}
	}
	if p := sc.Peek(); p.kind != tokKeyword || p.keyword != kwTimeSeparator {
		if p.kind != tokEnd {
			return sc.Next()
		}
	} else if !parseES5Time(sc, tm, tz) {
		return dateToken{kind: tokInvalid}
	}
	if tz.hour == none && tm.empty() {
		tz.set(0)
	}
	day.iso = true
	return dateToken{kind: tokEnd}
}

func parseES5Time(sc *dateScanner, tm *timeComposer, tz *zoneComposer) bool {
	sc.Next()
	if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 0, 24) {
		return false
	}
	hour24 := sc.Peek().value == 24
	tm.add(sc.Next().value)
	if !sc.skipSymbol(':') {
		return false
	}
	if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 0, 59) || (hour24 && p.value > 0) {
		return false
	}
	tm.add(sc.Next().value)
	if sc.skipSymbol(':') {
		if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 0, 59) || (hour24 && p.value > 0) {
			return false
		}
		tm.add(sc.Next().value)
		if sc.skipSymbol('.') {
			if p := sc.Peek(); p.kind != tokNumber || (hour24 && p.value > 0) {
				return false
			}
			tm.add(readMillis(sc.Next()))
		}
	}
	if sc.Peek().isKeywordZ() {
		sc.Next()
		tz.set(0)
	} else if sc.Peek().isSign() {
		tz.sign = sc.Next().sign()
		if sc.Peek().isNumberOf(4) {
			hm := sc.Next().value
			if !between(hm/100, 0, 23) || !between(hm%100, 0, 59) {
				return false
			}
			tz.hour, tz.minute = hm/100, hm%100
		} else {
			if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 0, 23) {
				return false
			}
			tz.hour = sc.Next().value
			if !sc.skipSymbol(':') {
				return false
			}
			if p := sc.Peek(); !p.isNumberOf(2) || !between(p.value, 0, 59) {
				return false
			}
			tz.minute = sc.Next().value
		}
	}
	return sc.Peek().kind == tokEnd
}

// parseLegacy reads the rest of the string with V8's legacy rules.
func parseLegacy(sc *dateScanner, tok dateToken, day *dayComposer, tm *timeComposer, tz *zoneComposer) bool {
	hasNumber := day.n > 0
	for ; tok.kind != tokEnd; tok = sc.Next() {
		var ok bool
		switch {
		case tok.kind == tokNumber:
			hasNumber = true
			ok = legacyNumber(sc, tok.value, day, tm, tz)
		case tok.kind == tokKeyword:
			ok = legacyWord(sc, tok, hasNumber, day, tm, tz)
		case tok.isSign() && (tz.isUTC() || !tm.empty()):
			hasNumber = true
			ok = legacyOffset(sc, tok, tz)
		case (tok.isSign() || tok.isSymbol(')')) && hasNumber:
			ok = false
		default:
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}

func legacyNumber(sc *dateScanner, n int, day *dayComposer, tm *timeComposer, tz *zoneComposer) bool {
	switch {
	case sc.skipSymbol(':'):
		if sc.skipSymbol(':') {
			if !tm.empty() {
				return false
			}
			tm.add(n)
			tm.add(0)
			return true
		}
		if !tm.add(n) {
			return false
		}
		if sc.Peek().isSymbol('.') {
			sc.Next()
		}
	case sc.Peek().isSymbol('.') && tm.expecting(n):
		sc.Next()
		tm.add(n)
		if sc.Peek().kind != tokNumber {
			return false
		}
		tm.addFinal(readMillis(sc.Next()))
	case sc.skipSymbol('.'):
		return legacyPlain(sc, n, day, tm, tz)
	default:
		return legacyPlain(sc, n, day, tm, tz)
	}
	return true
}

// legacyPlain handles a number not followed by ':' (nor by '.' that
// introduces milliseconds).
func legacyPlain(sc *dateScanner, n int, day *dayComposer, tm *timeComposer, tz *zoneComposer) bool {
	switch {
	case tz.expecting(n):
		tz.minute = n
	case tm.expecting(n):
		tm.addFinal(n)
		p := sc.Peek()
		if p.kind != tokEnd && p.kind != tokWhiteSpace && !p.isKeywordZ() && !p.isSign() {
			return false
		}
	default:
		if !day.add(n) {
			return false
		}
		sc.skipSymbol('-')
	}
	return true
}

func legacyWord(sc *dateScanner, tok dateToken, hasNumber bool, day *dayComposer, tm *timeComposer, tz *zoneComposer) bool {
	switch {
	case tok.keyword == kwAmPm && !tm.empty():
		tm.hourOffset = tok.value
	case tok.keyword == kwMonth:
		day.namedMonth = tok.value
		sc.skipSymbol('-')
	case tok.keyword == kwZone && hasNumber:
		tz.set(tok.value)
	default:
		if hasNumber || sc.Peek().kind == tokNumber {
			return false
		}
	}
	return true
}

func legacyOffset(sc *dateScanner, tok dateToken, tz *zoneComposer) bool {
	tz.sign = 1
	if tok.sign() < 0 {
		tz.sign = -1
	}
	n, length := 0, 0
	if sc.Peek().kind == tokNumber {
		t := sc.Next()
		n, length = t.value, t.length
	}
	switch {
	case sc.Peek().isSymbol(':'):
		tz.hour, tz.minute = n, none
	case length == 1 || length == 2:
		tz.hour, tz.minute = n, 0
	case length == 3 || length == 4:
		tz.hour, tz.minute = n/100, n%100
	default:
		return false
	}
	return true
}
