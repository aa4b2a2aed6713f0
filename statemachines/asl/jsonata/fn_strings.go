package jsonata

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

func fnString(c *call, args []any) (any, error) {
	if isUndef(args[0]) {
		return Undefined, nil
	}
	pretty, _ := argAt(args, 1).(bool)
	return stringify(args[0], pretty)
}

// jsSlice is JavaScript's Array.prototype.slice bounds for a length n.
func jsSlice(n int, start, end float64) (int, int) {
	clamp := func(f float64) int {
		if math.IsNaN(f) {
			return 0
		}
		f = math.Trunc(f)
		if f < 0 {
			f += float64(n)
			if f < 0 {
				return 0
			}
		}
		if f > float64(n) {
			return n
		}
		return int(f)
	}
	s, e := clamp(start), clamp(end)
	if e < s {
		e = s
	}
	return s, e
}

func fnSubstring(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	runes := []rune(str)
	n := len(runes)
	start, ok := args[1].(float64)
	if !ok {
		start = math.NaN() // slice reads an undefined start as 0
	}
	if float64(n)+start < 0 {
		start = 0
	}
	if l, ok := argAt(args, 2).(float64); ok {
		if l <= 0 || math.IsNaN(l) {
			return "", nil
		}
		end := start + l
		if start < 0 {
			end = float64(n) + start + l
		}
		s, e := jsSlice(n, start, end)
		return string(runes[s:e]), nil
	}
	s, e := jsSlice(n, start, float64(n))
	return string(runes[s:e]), nil
}

func fnSubstringBefore(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	chars := jsStringOf(args[1])
	if i := strings.Index(str, chars); i >= 0 {
		return str[:i], nil
	}
	return str, nil
}

func fnSubstringAfter(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	chars := jsStringOf(args[1])
	if i := strings.Index(str, chars); i >= 0 {
		return str[i+len(chars):], nil
	}
	return str, nil
}

func fnLowercase(c *call, args []any) (any, error) {
	if s, ok := args[0].(string); ok {
		return strings.ToLower(s), nil
	}
	return Undefined, nil
}

func fnUppercase(c *call, args []any) (any, error) {
	if s, ok := args[0].(string); ok {
		return strings.ToUpper(s), nil
	}
	return Undefined, nil
}

func fnLength(c *call, args []any) (any, error) {
	if s, ok := args[0].(string); ok {
		return float64(utf8.RuneCountInString(s)), nil
	}
	return Undefined, nil
}

func fnTrim(c *call, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			space = true
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(s[i])
		}
	}
	if space {
		b.WriteByte(' ')
	}
	out := b.String()
	out = strings.TrimPrefix(out, " ")
	return strings.TrimSuffix(out, " "), nil
}

func fnPad(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	width, _ := args[1].(float64)
	char, _ := argAt(args, 2).(string)
	if char == "" {
		char = " "
	}
	padLen := math.Abs(width) - float64(utf8.RuneCountInString(str))
	if !(padLen > 0) {
		return str, nil
	}
	if padLen != math.Trunc(padLen) {
		return nil, errArrayLength()
	}
	if padLen*float64(len(char)) > float64(c.ev.maxString) {
		return nil, errStringLength()
	}
	padLength := int(padLen)
	padding := []rune(strings.Repeat(char, padLength))[:padLength]
	if width > 0 {
		return str + string(padding), nil
	}
	return string(padding) + str, nil
}

// matcherResult applies a matcher (a regex or a function acting as one)
// to str and checks the shape of what it returns.
func matcherResult(c *call, matcher any, args ...any) (any, error) {
	r, err := c.apply(matcher, args...)
	if err != nil {
		return nil, err
	}
	if isUndef(r) || r == nil {
		return Undefined, nil
	}
	if !isObject(r) {
		return nil, &Error{Code: "T1010"}
	}
	start, _ := objectGet(r, "start")
	groups, _ := objectGet(r, "groups")
	next, _ := objectGet(r, "next")
	_, startOK := start.(float64)
	_, groupsOK := groups.(*array)
	if !startOK && !groupsOK && !isFunction(next) {
		return nil, &Error{Code: "T1010"}
	}
	return r, nil
}

func matchNext(c *call, m any) (any, error) {
	next, _ := objectGet(m, "next")
	if !isFunction(next) {
		return Undefined, nil
	}
	return matcherResult(c, next, Undefined)
}

func memberFloat(o any, k string) float64 {
	v, _ := objectGet(o, k)
	f, _ := v.(float64)
	return f
}

func memberString(o any, k string) string {
	v, _ := objectGet(o, k)
	s, _ := v.(string)
	return s
}

func fnContains(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	if tok, ok := args[1].(string); ok {
		return strings.Contains(str, tok), nil
	}
	m, err := matcherResult(c, args[1], str)
	if err != nil {
		return nil, err
	}
	return !isUndef(m), nil
}

func fnMatch(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	limit, hasLimit := argAt(args, 2).(float64)
	if hasLimit && limit < 0 {
		return nil, &Error{Code: "D3040", Value: limit, index: 3}
	}
	result := newSeq()
	if hasLimit && limit == 0 {
		return result, nil
	}
	m, err := matcherResult(c, args[1], str)
	if err != nil {
		return nil, err
	}
	for count := 0; !isUndef(m) && (!hasLimit || float64(count) < limit); count++ {
		o := newObject(3)
		mv, _ := objectGet(m, "match")
		sv, _ := objectGet(m, "start")
		gv, _ := objectGet(m, "groups")
		o.set("match", mv)
		o.set("index", sv)
		o.set("groups", gv)
		result.items = append(result.items, o)
		if m, err = matchNext(c, m); err != nil {
			return nil, err
		}
	}
	return result, nil
}

// jsText is a string addressed by UTF-16 offsets, as JavaScript does.
type jsText struct {
	s     string
	units []uint16 // nil when s is ASCII, where offsets are byte offsets
}

func newJSText(s string) jsText {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return jsText{s: s, units: utf16.Encode([]rune(s))}
		}
	}
	return jsText{s: s}
}

func (t jsText) len() int {
	if t.units == nil {
		return len(t.s)
	}
	return len(t.units)
}

func (t jsText) sub(a, b int) string {
	n := t.len()
	a, b = max(0, min(a, n)), max(0, min(b, n))
	if a > b {
		a, b = b, a
	}
	if t.units == nil {
		return t.s[a:b]
	}
	return string(utf16.Decode(t.units[a:b]))
}

// expandReplacement substitutes $0, $1... in a replacement string with
// the match and its groups; $$ is a dollar sign.
func expandReplacement(repl string, m any) string {
	matchStr := memberString(m, "match")
	gv, _ := objectGet(m, "groups")
	var groups []any
	if g, ok := gv.(*array); ok {
		groups = g.items
	}
	var b strings.Builder
	pos := 0
	for {
		i := strings.IndexByte(repl[pos:], '$')
		if i < 0 || pos >= len(repl) {
			break
		}
		i += pos
		b.WriteString(repl[pos:i])
		pos = i + 1
		if pos >= len(repl) {
			b.WriteByte('$')
			break
		}
		switch d := repl[pos]; {
		case d == '$':
			b.WriteByte('$')
			pos++
		case d == '0':
			b.WriteString(matchStr)
			pos++
		default:
			maxDigits := 1
			if len(groups) > 0 {
				maxDigits = int(math.Floor(math.Log10(float64(len(groups))))) + 1
			}
			index, n := leadingInt(repl[pos:min(pos+maxDigits, len(repl))])
			if maxDigits > 1 && index > len(groups) {
				index, n = leadingInt(repl[pos:min(pos+maxDigits-1, len(repl))])
			}
			if n == 0 {
				b.WriteByte('$')
				continue
			}
			if len(groups) > 0 && index >= 1 && index <= len(groups) {
				if s, ok := groups[index-1].(string); ok {
					b.WriteString(s)
				}
			}
			pos += len(strconv.Itoa(index))
		}
	}
	if pos < len(repl) {
		b.WriteString(repl[pos:])
	}
	return b.String()
}

// leadingInt parses the decimal digits at the start of s, as parseInt.
func leadingInt(s string) (int, int) {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 {
		return 0, 0
	}
	v, _ := strconv.Atoi(s[:n])
	return v, n
}

func fnReplace(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	if p, ok := args[1].(string); ok && p == "" {
		return nil, &Error{Code: "D3010", Value: p, index: 2}
	}
	limit, hasLimit := argAt(args, 3).(float64)
	if hasLimit && limit < 0 {
		return nil, &Error{Code: "D3011", Value: limit, index: 4}
	}
	if hasLimit && limit == 0 {
		return str, nil
	}
	if pattern, ok := args[1].(string); ok {
		repl := jsStringOf(args[2])
		n := strings.Count(str, pattern)
		if hasLimit {
			n = min(n, int(math.Ceil(limit)))
		}
		if len(str)+n*(len(repl)-len(pattern)) > c.ev.maxString {
			return nil, errStringLength()
		}
		return strings.Replace(str, pattern, repl, n), nil
	}
	m, err := matcherResult(c, args[1], str)
	if err != nil {
		return nil, err
	}
	if isUndef(m) {
		return str, nil
	}
	text := newJSText(str)
	var b strings.Builder
	pos := 0
	for count := 0; !isUndef(m) && (!hasLimit || float64(count) < limit); count++ {
		start := int(memberFloat(m, "start"))
		b.WriteString(text.sub(pos, start))
		var with any
		if repl, ok := args[2].(string); ok {
			with = expandReplacement(repl, m)
		} else if with, err = c.apply(args[2], m); err != nil {
			return nil, err
		}
		s, ok := with.(string)
		if !ok {
			return nil, &Error{Code: "D3012", Value: with}
		}
		b.WriteString(s)
		if b.Len() > c.ev.maxString {
			return nil, errStringLength()
		}
		pos = start + utf16Len(memberString(m, "match"))
		if m, err = matchNext(c, m); err != nil {
			return nil, err
		}
	}
	b.WriteString(text.sub(pos, text.len()))
	return b.String(), nil
}

func fnSplit(c *call, args []any) (any, error) {
	str, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	limit, hasLimit := argAt(args, 2).(float64)
	if hasLimit && limit < 0 {
		return nil, &Error{Code: "D3020", Value: limit, index: 3}
	}
	result := &array{items: []any{}}
	if hasLimit && limit == 0 {
		return result, nil
	}
	if sep, ok := args[1].(string); ok {
		parts := strings.Split(str, sep)
		if hasLimit && int(limit) < len(parts) {
			parts = parts[:int(limit)]
		}
		for _, p := range parts {
			result.items = append(result.items, p)
		}
		return result, nil
	}
	m, err := matcherResult(c, args[1], str)
	if err != nil {
		return nil, err
	}
	if isUndef(m) {
		result.items = append(result.items, str)
		return result, nil
	}
	text := newJSText(str)
	start := 0
	count := 0
	for ; !isUndef(m) && (!hasLimit || float64(count) < limit); count++ {
		result.items = append(result.items, text.sub(start, int(memberFloat(m, "start"))))
		start = int(memberFloat(m, "end"))
		if m, err = matchNext(c, m); err != nil {
			return nil, err
		}
	}
	if !hasLimit || float64(count) < limit {
		result.items = append(result.items, text.sub(start, text.len()))
	}
	return result, nil
}

func fnJoin(c *call, args []any) (any, error) {
	a, ok := args[0].(*array)
	if !ok {
		return Undefined, nil
	}
	sep, _ := argAt(args, 1).(string)
	parts := make([]string, len(a.items))
	for i, e := range a.items {
		parts[i], _ = e.(string)
	}
	return strings.Join(parts, sep), nil
}

// fnBase64Encode encodes a string's characters as bytes (Latin-1), as
// Node's Buffer.from(str, 'binary') does.
func fnBase64Encode(c *call, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	units := utf16.Encode([]rune(s))
	b := make([]byte, len(units))
	for i, u := range units {
		b[i] = byte(u)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// fnBase64Decode decodes leniently, as Node does, and reads the bytes as
// Latin-1 characters.
func fnBase64Decode(c *call, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return Undefined, nil
	}
	var clean strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'A' && ch <= 'Z', ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9', ch == '+', ch == '/':
			clean.WriteByte(ch)
		case ch == '-':
			clean.WriteByte('+')
		case ch == '_':
			clean.WriteByte('/')
		case ch == '=':
			i = len(s)
		}
	}
	t := clean.String()
	if len(t)%4 == 1 {
		t = t[:len(t)-1]
	}
	b, err := base64.RawStdEncoding.DecodeString(t)
	if err != nil {
		return "", nil
	}
	r := make([]rune, len(b))
	for i, x := range b {
		r[i] = rune(x)
	}
	return string(r), nil
}

func urlFunction(name string, f func(string) (string, bool)) fnImpl {
	return func(c *call, args []any) (any, error) {
		s, ok := args[0].(string)
		if !ok {
			return Undefined, nil
		}
		out, ok := f(s)
		if !ok {
			return nil, &Error{Code: "D3140", Value: s, fnName: name}
		}
		return out, nil
	}
}

const uriUnreservedMarks = "-_.!~*'()"
const uriReserved = ";/?:@&=+$,#"

func encodeURIComponent(s string) (string, bool) { return uriEncode(s, uriUnreservedMarks) }
func encodeURI(s string) (string, bool)          { return uriEncode(s, uriUnreservedMarks+uriReserved) }

func uriEncode(s, keep string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&15])
	}
	return b.String(), true
}

func decodeURIComponent(s string) (string, bool) { return uriDecode(s, "") }
func decodeURI(s string) (string, bool)          { return uriDecode(s, uriReserved) }

func uriDecode(s, reserved string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		first, ok := hexByte(s, i)
		if !ok {
			return "", false
		}
		if first < 0x80 {
			if strings.IndexByte(reserved, first) >= 0 {
				b.WriteString(s[i : i+3])
			} else {
				b.WriteByte(first)
			}
			i += 3
			continue
		}
		n := utf8SeqLen(first)
		if n == 0 {
			return "", false
		}
		seq := []byte{first}
		j := i + 3
		for k := 1; k < n; k++ {
			if j >= len(s) || s[j] != '%' {
				return "", false
			}
			x, ok := hexByte(s, j)
			if !ok || x&0xC0 != 0x80 {
				return "", false
			}
			seq = append(seq, x)
			j += 3
		}
		if !utf8.Valid(seq) {
			return "", false
		}
		b.Write(seq)
		i = j
	}
	return b.String(), true
}

func hexByte(s string, i int) (byte, bool) {
	if i+3 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
	if err != nil {
		return 0, false
	}
	return byte(v), true
}

func utf8SeqLen(b byte) int {
	switch {
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 0
}

// jsStringOf is JavaScript's String(v), which string functions apply to
// an argument that is not a string.
func jsStringOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case undefined:
		return "undefined"
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return numberString(x)
	case *array:
		parts := make([]string, len(x.items))
		for i, e := range x.items {
			if e != nil && !isUndef(e) {
				parts[i] = jsStringOf(e)
			}
		}
		return strings.Join(parts, ",")
	}
	if isFunction(v) {
		return "function"
	}
	return "[object Object]"
}
