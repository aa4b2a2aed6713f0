package jsonata

import (
	"math"
	"strconv"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/jsonata/internal/picture"
)

// parseISODate reads a timestamp that matched the ISO 8601 pattern of
// $toMillis, as Date.parse does; a date without an offset is UTC. An
// impossible date is NaN.
func parseISODate(s string) float64 {
	num := func(i, n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v, err := strconv.Atoi(s[i : i+n])
		return v, err == nil
	}
	year, _ := num(0, 4)
	month, day, hour, minute, sec, ms := 1, 1, 0, 0, 0, 0
	i := 4
	if i < len(s) && s[i] == '-' {
		month, _ = num(i+1, 2)
		i += 3
		if i < len(s) && s[i] == '-' {
			day, _ = num(i+1, 2)
			i += 3
		}
	}
	if i < len(s) && s[i] == 'T' {
		hour, _ = num(i+1, 2)
		minute, _ = num(i+4, 2)
		sec, _ = num(i+7, 2)
		i += 9
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		frac := s[i+1 : j]
		for len(frac) < 3 {
			frac += "0"
		}
		ms, _ = strconv.Atoi(frac[:3])
		i = j
	}
	offset := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		oh, _ := num(i+1, 2)
		j := i + 3
		if j < len(s) && s[j] == ':' {
			j++
		}
		om, _ := num(j, 2)
		offset = oh*60 + om
		if s[i] == '-' {
			offset = -offset
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || sec > 59 {
		return math.NaN()
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ms*int(time.Millisecond), time.UTC)
	if t.Day() != day {
		return math.NaN()
	}
	return float64(t.UnixMilli() - int64(offset)*60000)
}

func fnNow(now time.Time, args []any) (any, error) {
	pic, _ := argAt(args, 0).(string)
	tz, _ := argAt(args, 1).(string)
	s, err := picture.FormatDateTime(now.UnixMilli(), pic, tz)
	if err != nil {
		return nil, pictureError(err)
	}
	return s, nil
}
