package picture

import "math"

// This file holds the ECMAScript date arithmetic JSONata's date code runs
// on: Date.UTC, the getUTC… accessors and TimeClip, with NaN for an
// invalid date. Local time is UTC, as it is where Step Functions
// evaluates JSONata.

const (
	msPerSecond = 1000.0
	msPerMinute = 60000.0
	msPerHour   = 3600000.0
	msPerDay    = 86400000.0
	maxTime     = 8.64e15
)

// timeClip is TimeClip: NaN outside ±8.64e15, else truncated.
func timeClip(t float64) float64 {
	if math.IsNaN(t) || math.Abs(t) > maxTime {
		return math.NaN()
	}
	return math.Trunc(t) + 0 // +0 turns -0 into 0
}

// makeDay is V8's MakeDay: days since the epoch of the given day of a
// month (months count from 0 and may overflow into other years).
func makeDay(year, month, date float64) float64 {
	if !(year >= -1e6 && year <= 1e6) || !(month >= -1e7 && month <= 1e7) || math.IsNaN(date) || math.IsInf(date, 0) {
		return math.NaN()
	}
	y, m := int64(year), int64(month)
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	return float64(daysFromCivil(y, m+1, 1)) + math.Trunc(date) - 1
}

// daysFromCivil counts days from 1970-01-01 to the proleptic Gregorian
// date y-m-d (m from 1).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// makeTime is MakeTime: the milliseconds of a time of day.
func makeTime(h, m, s, ms float64) float64 {
	for _, v := range [...]float64{h, m, s, ms} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.NaN()
		}
	}
	t := float64(math.Trunc(h)*msPerHour) + float64(math.Trunc(m)*msPerMinute)
	t += float64(math.Trunc(s) * msPerSecond)
	return t + math.Trunc(ms)
}

// makeDate is MakeDate.
func makeDate(day, t float64) float64 {
	if math.IsNaN(day) || math.IsInf(day, 0) || math.IsNaN(t) || math.IsInf(t, 0) {
		return math.NaN()
	}
	return t + float64(day*msPerDay)
}

// dateUTC is Date.UTC(year, month, date, hours, minutes, seconds, ms);
// a year from 0 to 99 means 1900 to 1999.
func dateUTC(year, month, date, h, m, s, ms float64) float64 {
	if !math.IsNaN(year) {
		if y := math.Trunc(year); y >= 0 && y <= 99 {
			year = 1900 + y
		}
	}
	return timeClip(makeDate(makeDay(year, month, date), makeTime(h, m, s, ms)))
}

// dateOf is Date.UTC(year, month): the first day of a month at midnight.
func dateOf(year, month float64) float64 { return dateUTC(year, month, 1, 0, 0, 0, 0) }

// jsDate is a Date object's time value; NaN is an invalid date, whose
// accessors all give NaN.
type jsDate float64

func newDate(t float64) jsDate { return jsDate(timeClip(t)) }

func (d jsDate) valid() bool { return !math.IsNaN(float64(d)) }

func (d jsDate) split() (days int64, msOfDay float64) {
	t := float64(d)
	days = int64(math.Floor(t / msPerDay))
	return days, t - float64(float64(days)*msPerDay)
}

func (d jsDate) civil() (y, m, day float64) {
	if !d.valid() {
		return math.NaN(), math.NaN(), math.NaN()
	}
	days, _ := d.split()
	yi, mi, di := civilFromDays(days)
	return float64(yi), float64(mi - 1), float64(di)
}

func (d jsDate) year() float64    { y, _, _ := d.civil(); return y }
func (d jsDate) month() float64   { _, m, _ := d.civil(); return m }
func (d jsDate) date() float64    { _, _, day := d.civil(); return day }
func (d jsDate) hours() float64   { return d.timePart(msPerHour, 24) }
func (d jsDate) minutes() float64 { return d.timePart(msPerMinute, 60) }
func (d jsDate) seconds() float64 { return d.timePart(msPerSecond, 60) }
func (d jsDate) millis() float64  { return d.timePart(1, 1000) }
func (d jsDate) time() float64    { return float64(d) }
func (d jsDate) weekday() float64 { // 0 = Sunday
	if !d.valid() {
		return math.NaN()
	}
	days, _ := d.split()
	return float64(((days+4)%7 + 7) % 7)
}

func (d jsDate) timePart(unit, modulo float64) float64 {
	if !d.valid() {
		return math.NaN()
	}
	_, ms := d.split()
	return math.Mod(math.Floor(ms/unit), modulo)
}
