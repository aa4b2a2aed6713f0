package jsonata

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// numberString formats a number as JavaScript's Number.prototype.toString
// does: the shortest digits that read back to the same number, in
// exponent form below 1e-6 and from 1e21.
func numberString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±x
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	mant, expPart, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expPart)
	digits := strings.Replace(mant, ".", "", 1)
	k := len(digits)
	n := exp + 1 // position of the decimal point relative to the digits
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		sign := "+"
		if n-1 < 0 {
			sign = "-"
		}
		e := n - 1
		if e < 0 {
			e = -e
		}
		if k == 1 {
			out = digits + "e" + sign + strconv.Itoa(e)
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + sign + strconv.Itoa(e)
		}
	}
	if neg {
		return "-" + out
	}
	return out
}

// precision15 rounds a number to 15 significant digits, as $string does
// before it writes a number.
func precision15(f float64) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) || (f == math.Trunc(f) && math.Abs(f) < 1e15) {
		return f
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'e', 14, 64), 64)
	if err != nil {
		return f
	}
	return r
}

// stringify is $string: strings as they are, functions as "", other values
// as JSON with numbers rounded to 15 significant digits. pretty indents by
// two spaces, as JSON.stringify(v, null, 2).
func stringify(v any, pretty bool) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", &Error{Code: "D3001", Value: x}
		}
	}
	if isFunction(v) {
		return "", nil
	}
	if a, ok := v.(*array); ok && a.outerWrapper && len(a.items) > 0 {
		v = a.items[0]
	}
	var b strings.Builder
	w := jsonWriter{b: &b, pretty: pretty}
	w.value(v, 0)
	return b.String(), w.err
}

// stringifyJSON writes a value as JSON text with numbers in full.
func stringifyJSON(v any) (string, error) {
	var b strings.Builder
	w := jsonWriter{b: &b, exact: true}
	w.value(v, 0)
	return b.String(), w.err
}

type jsonWriter struct {
	b      *strings.Builder
	pretty bool
	exact  bool // numbers in full rather than to 15 digits
	err    error
}

func (w *jsonWriter) newline(depth int) {
	if w.pretty {
		w.b.WriteByte('\n')
		for i := 0; i < depth; i++ {
			w.b.WriteString("  ")
		}
	}
}

func (w *jsonWriter) value(v any, depth int) {
	if w.err != nil {
		return
	}
	if depth > maxValueDepth {
		w.err = errCircular()
		return
	}
	switch x := v.(type) {
	case nil:
		w.b.WriteString("null")
	case bool:
		if x {
			w.b.WriteString("true")
		} else {
			w.b.WriteString("false")
		}
	case float64:
		switch {
		case math.IsInf(x, 0) && !w.exact:
			w.err = &Error{Code: "D1001", Value: x}
		case math.IsInf(x, 0) || math.IsNaN(x):
			w.b.WriteString("null")
		case w.exact:
			w.b.WriteString(numberString(x))
		default:
			w.b.WriteString(numberString(precision15(x)))
		}
	case string:
		w.b.WriteString(quoteJSON(x))
	case *array:
		if len(x.items) == 0 {
			w.b.WriteString("[]")
			return
		}
		w.b.WriteByte('[')
		for i, e := range x.items {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.newline(depth + 1)
			if isUndef(e) {
				w.b.WriteString("null")
				continue
			}
			if isFunction(e) {
				w.b.WriteString(`""`)
				continue
			}
			w.value(e, depth+1)
		}
		w.newline(depth)
		w.b.WriteByte(']')
	case *Object, map[string]any:
		w.object(v, depth)
	case []any:
		w.value(norm(x), depth)
	default:
		if isFunction(v) {
			w.b.WriteString(`""`)
			return
		}
		w.b.WriteString("null")
	}
}

func (w *jsonWriter) object(v any, depth int) {
	keys := objectKeys(v)
	first := true
	for _, k := range keys {
		e, _ := objectGet(v, k)
		if isUndef(e) {
			continue
		}
		if first {
			w.b.WriteByte('{')
			first = false
		} else {
			w.b.WriteByte(',')
		}
		w.newline(depth + 1)
		w.b.WriteString(quoteJSON(k))
		w.b.WriteByte(':')
		if w.pretty {
			w.b.WriteByte(' ')
		}
		if isFunction(e) {
			w.b.WriteString(`""`)
			continue
		}
		w.value(e, depth+1)
	}
	if first {
		w.b.WriteString("{}")
		return
	}
	w.newline(depth)
	w.b.WriteByte('}')
}

// quoteJSON quotes a string as JSON.stringify does: only quotes,
// backslashes and control characters are escaped.
func quoteJSON(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 && c == 0xED && i+2 < len(s) && s[i+1] >= 0xA0 {
				// a lone surrogate kept as WTF-8
				u := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				b.WriteString(`\u` + strconv.FormatInt(int64(u), 16))
				i += 3
				continue
			}
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		}
		i++
	}
	b.WriteByte('"')
	return b.String()
}

// utf16Units is a string as JavaScript sees it.
func utf16Units(s string) []uint16 { return utf16.Encode([]rune(s)) }

// utf16Len is the length of a string in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// boolean is JSONata's effective boolean value; undefined is false.
func boolean(v any) bool {
	switch x := v.(type) {
	case undefined, nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0 && !math.IsNaN(x)
	case *array:
		if len(x.items) == 1 {
			return boolean(x.items[0])
		}
		for _, e := range x.items {
			if boolean(e) {
				return true
			}
		}
		return false
	case *Object, map[string]any:
		return objectLen(v) > 0
	}
	return false
}

// deepEqual is the reference's isDeepEqual: values for primitives,
// members for arrays and objects. Values nested past maxValueDepth (which
// only a value that contains itself is) compare unequal.
func deepEqual(a, b any) bool { return deepEqualAt(a, b, 0) }

func deepEqualAt(a, b any, depth int) bool {
	if depth > maxValueDepth {
		return false
	}
	switch x := a.(type) {
	case *array:
		y, ok := b.(*array)
		if !ok {
			return false
		}
		if len(x.items) != len(y.items) {
			return false
		}
		for i := range x.items {
			if !deepEqualAt(x.items[i], y.items[i], depth+1) {
				return false
			}
		}
		return true
	case *Object, map[string]any:
		if !isObject(b) || objectLen(a) != objectLen(b) {
			return false
		}
		for _, k := range objectKeys(a) {
			av, _ := objectGet(a, k)
			bv, ok := objectGet(b, k)
			if !ok || !deepEqualAt(av, bv, depth+1) {
				return false
			}
		}
		return true
	}
	return strictEqual(a, b)
}
