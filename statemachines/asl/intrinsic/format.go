package intrinsic

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// template is a States.Format template split at its {} placeholders.
type template struct {
	parts []string // len(parts) == placeholders+1
}

// parseTemplate splits raw literal text at unescaped "{}". A backslash
// makes the next character literal, so \{ and \} never form a placeholder.
func parseTemplate(raw string, escapes bool) template {
	var t template
	var cur strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case escapes && c == '\\' && i+1 < len(raw):
			i++
			cur.WriteByte(raw[i])
		case c == '{' && i+1 < len(raw) && raw[i+1] == '}':
			t.parts = append(t.parts, cur.String())
			cur.Reset()
			i++
		default:
			cur.WriteByte(c)
		}
	}
	t.parts = append(t.parts, cur.String())
	return t
}

func (t template) placeholders() int { return len(t.parts) - 1 }

// checkFormat rejects, at compile time, a literal template whose
// placeholder count differs from the number of values.
func checkFormat(c *call) error {
	a := c.args[0]
	if a.kind != argStr {
		if a.kind == argPath || a.kind == argCall {
			return nil
		}
		return fmt.Errorf("States.Format: the first argument must be a string")
	}
	return countMatches(parseTemplate(a.raw, true), len(c.args)-1)
}

func countMatches(t template, n int) error {
	if t.placeholders() != n {
		return fmt.Errorf("States.Format: the template has %d placeholder(s) but %d value(s) were given",
			t.placeholders(), n)
	}
	return nil
}

func runFormat(_ *evaluator, c *call, args []any) (any, error) {
	var t template
	if c.args[0].kind == argStr {
		t = parseTemplate(c.args[0].raw, true)
	} else {
		s, err := argString(c, args, 0)
		if err != nil {
			return nil, err
		}
		t = parseTemplate(s, false)
	}
	if err := countMatches(t, len(args)-1); err != nil {
		return nil, &Error{Message: err.Error()}
	}
	var b strings.Builder
	for i, p := range t.parts {
		b.WriteString(p)
		if i+1 < len(t.parts) {
			writeJava(&b, args[i+1])
		}
	}
	return b.String(), nil
}

// writeJava renders v the way AWS (Java) prints a value into a format
// string: strings bare, objects as {k=v, k2=v2}, arrays as [a, b].
func writeJava(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(t)
	case json.Number:
		b.WriteString(string(t))
	case bool:
		fmt.Fprint(b, t)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		writeJavaMap(b, t)
	}
}

// writeJavaMap prints an object; Go maps keep no order, so keys are sorted.
func writeJavaMap(b *strings.Builder, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		writeJava(b, m[k])
	}
	b.WriteByte('}')
}
