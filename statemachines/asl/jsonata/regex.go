package jsonata

import (
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// regex is a regular expression literal. JSONata's regexes are
// JavaScript's; they are translated to Go's RE2 syntax, and a feature RE2
// lacks (lookaround, backreferences) is a compile error S0303.
type regex struct {
	src string
	re  *regexp.Regexp
}

func compileRegex(src, flags string) (*regex, error) {
	translated, err := translateRegex(src)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "i"
	}
	if strings.Contains(flags, "m") {
		prefix += "m"
	}
	if prefix != "" {
		translated = "(?" + prefix + ")" + translated
	}
	re, err := regexp.Compile(translated)
	if err != nil {
		return nil, &Error{Code: "S0303", Value: src, Message: "Invalid regular expression /" + src + "/: " + err.Error()}
	}
	return &regex{src: src, re: re}, nil
}

// jsSpace is JavaScript's \s, which is wider than RE2's ASCII one.
const jsSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// translateRegex rewrites JavaScript regex syntax that RE2 spells
// differently, and rejects what RE2 cannot do: \s is JavaScript's
// whitespace, and '.' excludes the line terminators \r, \u2028 and
// \u2029 as well as \n.
func translateRegex(src string) (string, error) {
	var b strings.Builder
	inClass := false
	unsupported := func(what string) error {
		return &Error{Code: "S0303", Value: what}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			d := src[i+1]
			switch {
			case d == 'u' && i+5 < len(src)+0 && i+6 <= len(src) && isHex4(src[i+2:i+6]):
				b.WriteString(`\x{` + src[i+2:i+6] + `}`)
				i += 5
				continue
			case d >= '1' && d <= '9' && !inClass:
				return "", unsupported(`backreference \` + string(d))
			case d == '0':
				b.WriteString(`\x00`)
			case d == '/':
				b.WriteByte('/')
			case d == 's' && inClass:
				b.WriteString(jsSpace)
			case d == 's':
				b.WriteString("[" + jsSpace + "]")
			case d == 'S' && !inClass:
				b.WriteString("[^" + jsSpace + "]")
			case d == 'c' || d == 'k':
				return "", unsupported(`\` + string(d))
			case d >= utf8.RuneSelf:
				// an escaped non-ASCII character is the character itself
				r, size := utf8.DecodeRuneInString(src[i+1:])
				b.WriteString(regexp.QuoteMeta(string(r)))
				i += size
				continue
			case isAlnum(d) && !strings.ContainsRune(`dDwWsSbBnrtfvx`, rune(d)):
				// JavaScript reads an unknown letter escape as the letter
				b.WriteByte(d)
			default:
				b.WriteByte(c)
				b.WriteByte(d)
			}
			i++
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
			if c == '[' {
				b.WriteString(`\[`)
				continue
			}
		case c == '[':
			if strings.HasPrefix(src[i:], "[^]") {
				b.WriteString(`[\s\S]`)
				i += 2
				continue
			}
			if strings.HasPrefix(src[i:], "[]") {
				b.WriteString(`[^\s\S]`)
				i++
				continue
			}
			inClass = true
			b.WriteByte(c)
			if i+1 < len(src) && src[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(src) && src[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
			continue
		case c == '.':
			b.WriteString(`[^\n\r\x{2028}\x{2029}]`)
			continue
		case c == '(' && strings.HasPrefix(src[i:], "(?="), c == '(' && strings.HasPrefix(src[i:], "(?!"),
			c == '(' && strings.HasPrefix(src[i:], "(?<="), c == '(' && strings.HasPrefix(src[i:], "(?<!"):
			return "", unsupported("lookaround " + src[i:min(i+4, len(src))])
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// call applies the regex as a matcher function: (str, from) gives the
// first match at or after UTF-16 offset from, as an object with match,
// start, end, groups and next.
func (r *regex) call(ev *evaluator, args []any) (any, error) {
	s, ok := argAt(args, 0).(string)
	if !ok {
		return Undefined, nil
	}
	all := r.re.FindAllStringSubmatchIndex(s, -1)
	from := 0
	if f, ok := argAt(args, 1).(float64); ok {
		from = utf16ToByte(s, int(f))
	}
	for i, m := range all {
		if m[0] >= from {
			return r.matchObject(s, all, i), nil
		}
	}
	return Undefined, nil
}

// matchObject describes match i of all in s; its next member yields the
// following match, failing with D1004 where the reference would loop on
// an empty match.
func (r *regex) matchObject(s string, all [][]int, i int) *Object {
	m := all[i]
	o := newObject(5)
	o.set("match", s[m[0]:m[1]])
	o.set("start", float64(utf16Len(s[:m[0]])))
	o.set("end", float64(utf16Len(s[:m[1]])))
	groups := &array{items: make([]any, 0, len(m)/2-1)}
	for g := 2; g < len(m); g += 2 {
		if m[g] < 0 {
			groups.items = append(groups.items, Undefined)
		} else {
			groups.items = append(groups.items, s[m[g]:m[g+1]])
		}
	}
	o.set("groups", groups)
	o.set("next", &builtin{name: "next", fn: func(c *call, _ []any) (any, error) {
		if m[1] >= len(s) {
			return Undefined, nil
		}
		if m[0] == m[1] {
			return nil, &Error{Code: "D1004", Value: r.src}
		}
		if i+1 >= len(all) {
			return Undefined, nil
		}
		if n := all[i+1]; n[0] == n[1] {
			return nil, &Error{Code: "D1004", Value: r.src}
		}
		return r.matchObject(s, all, i+1), nil
	}})
	return o
}

func argAt(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return Undefined
}

// utf16ToByte converts a UTF-16 offset in s to a byte offset.
func utf16ToByte(s string, u int) int {
	if u <= 0 {
		return 0
	}
	n := 0
	for i, r := range s {
		if n >= u {
			return i
		}
		n += len(utf16.Encode([]rune{r}))
	}
	return len(s)
}
