package jsonvalue

import (
	"bytes"
	"encoding/json"
)

// Member returns the value of the member named name of the object r: a
// Raw for an object or array, the decoded value for anything else. ok is
// false when r is not an object or has no such member. It scans r's text
// and decodes nothing but the value it returns.
func (r Raw) Member(name string) (v any, ok bool) {
	if len(r) == 0 || r[0] != '{' {
		return nil, false
	}
	it := rawIter{r: r, pos: 1, object: true}
	for {
		key, text, more := it.next()
		if !more {
			return nil, false
		}
		if string(key) == name {
			return valueOf(text), true
		}
	}
}

// Index returns element i (counting from 0) of the array r, as Member
// returns a value. ok is false when r is not an array or has no element i.
func (r Raw) Index(i int) (v any, ok bool) {
	if len(r) == 0 || r[0] != '[' || i < 0 {
		return nil, false
	}
	it := rawIter{r: r, pos: 1}
	for n := 0; ; n++ {
		_, text, more := it.next()
		if !more {
			return nil, false
		}
		if n == i {
			return valueOf(text), true
		}
	}
}

// Count returns the number of members of the object r or elements of the
// array r.
func (r Raw) Count() int {
	if len(r) == 0 || r[0] != '{' && r[0] != '[' {
		return 0
	}
	it := rawIter{r: r, pos: 1, object: r[0] == '{'}
	n := 0
	for _, _, more := it.next(); more; _, _, more = it.next() {
		n++
	}
	return n
}

// Shallow opens r one level: it returns a map[string]any for an object or
// a []any for an array, whose nested objects and arrays stay Raw and whose
// other values are decoded. The result is new, so the caller may change it.
func (r Raw) Shallow() any {
	switch {
	case len(r) > 0 && r[0] == '{':
		m := map[string]any{}
		it := rawIter{r: r, pos: 1, object: true}
		for key, text, more := it.next(); more; key, text, more = it.next() {
			m[string(key)] = valueOf(text)
		}
		return m
	case len(r) > 0 && r[0] == '[':
		a := []any{}
		it := rawIter{r: r, pos: 1}
		for _, text, more := it.next(); more; _, text, more = it.next() {
			a = append(a, valueOf(text))
		}
		return a
	}
	return Expand(r)
}

// valueOf returns the value of the text of a member or element: a Raw for
// an object or array, the decoded value of a scalar. The text keeps Raw's
// rules, so a string's contents need no unescaping.
func valueOf(text []byte) any {
	if len(text) == 0 {
		return nil
	}
	switch text[0] {
	case '{', '[':
		return Raw(text)
	case '"':
		return string(text[1:max(len(text)-1, 1)])
	case 't':
		return true
	case 'f':
		return false
	case 'n':
		return nil
	}
	return json.Number(text)
}

// rawIter walks the members of an object or the elements of an array
// held in a Raw. It relies on Raw's rules (no whitespace, no escapes) to
// skip values by their brackets and quotes alone; on a text that breaks
// them it stops early or yields odd pieces, but never reads out of range.
type rawIter struct {
	r      Raw
	pos    int  // the start of the next member or element
	object bool // r is an object: members have keys
}

// next returns the next member's key (nil in an array) and the text of
// its value; more is false once the walk is over.
func (it *rawIter) next() (key, text []byte, more bool) {
	r := it.r
	if it.pos >= len(r) || r[it.pos] == '}' || r[it.pos] == ']' {
		return nil, nil, false
	}
	if it.object {
		end := skipString(r, it.pos)
		if end-1 <= it.pos {
			return nil, nil, false
		}
		key = r[it.pos+1 : end-1]
		it.pos = min(end+1, len(r)) // past the ':'
	}
	end := skipValue(r, it.pos)
	text = r[it.pos:end:end]
	it.pos = end
	if it.pos < len(r) && r[it.pos] == ',' {
		it.pos++
	}
	return key, text, true
}

// skipValue returns the index just past the value that starts at r[i].
func skipValue(r []byte, i int) int {
	if i >= len(r) {
		return len(r)
	}
	switch r[i] {
	case '"':
		return skipString(r, i)
	case '{', '[':
		return skipContainer(r, i)
	}
	for i < len(r) && r[i] != ',' && r[i] != '}' && r[i] != ']' {
		i++
	}
	return i
}

// skipString returns the index just past the string whose opening quote
// is r[i]; with no escapes, the next quote closes it.
func skipString(r []byte, i int) int {
	j := bytes.IndexByte(r[i+1:], '"')
	if j < 0 {
		return len(r)
	}
	return i + 1 + j + 1
}

// skipContainer returns the index just past the object or array that
// starts at r[i], counting brackets outside strings.
func skipContainer(r []byte, i int) int {
	depth := 0
	for i < len(r) {
		switch r[i] {
		case '"':
			i = skipString(r, i)
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(r)
}
