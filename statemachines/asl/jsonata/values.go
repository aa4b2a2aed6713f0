package jsonata

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
)

// Values inside the evaluator are: nil (JSON null), bool, float64, string,
// *array, *Object, map[string]any (an input object, read as it is), and
// function values (*lambda, *builtin, *partial, *regex). Input values are
// normalised where they are read (see norm), so Go ints and json.Number
// never reach an operator, and []any becomes *array.

// array is a JSONata array or sequence. The flags mirror the reference
// implementation's: a sequence is the result of a path step and is
// flattened and unwrapped; cons marks an array constructor's result, which
// a path does not flatten; keepSingleton keeps a one-item sequence an
// array; outerWrapper wraps an input array; tupleStream holds *tuple items.
type array struct {
	items         []any
	seq           bool
	cons          bool
	keepSingleton bool
	outerWrapper  bool
	tupleStream   bool
}

func newSeq(items ...any) *array { return &array{items: items, seq: true} }

// Object is a JSON object that keeps its members in order, as JSONata
// does: members in the order they were added, except that names that are
// array indexes ("0", "1", ...) come first in numeric order, as in
// JavaScript. Objects built by expressions are Objects; [DecodeJSON]
// makes them from JSON text, and [WithOrderedObjects] returns them from
// Evaluate. Small objects are searched linearly; index is built past
// smallObject members.
type Object struct {
	keys  []string
	vals  []any
	index map[string]int
}

const smallObject = 8

func newObject(n int) *Object {
	return &Object{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

func (o *Object) find(k string) int {
	if o.index != nil {
		if i, ok := o.index[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range o.keys {
		if key == k {
			return i
		}
	}
	return -1
}

func (o *Object) get(k string) (any, bool) {
	if i := o.find(k); i >= 0 {
		return norm(o.vals[i]), true
	}
	return nil, false
}

// Keys lists the member names in order.
func (o *Object) Keys() []string { return append([]string(nil), o.keys...) }

// Get returns a member's value.
func (o *Object) Get(name string) (any, bool) {
	if i := o.find(name); i >= 0 {
		return o.vals[i], true
	}
	return nil, false
}

// Len is the number of members.
func (o *Object) Len() int { return len(o.keys) }

func (o *Object) set(k string, v any) {
	if i := o.find(k); i >= 0 {
		o.vals[i] = v
		return
	}
	at := len(o.keys)
	if n, ok := arrayIndex(k); ok {
		at = 0
		for at < len(o.keys) {
			m, isIndex := arrayIndex(o.keys[at])
			if !isIndex || m > n {
				break
			}
			at++
		}
	}
	if at == len(o.keys) {
		o.keys = append(o.keys, k)
		o.vals = append(o.vals, v)
	} else {
		o.keys = append(o.keys[:at], append([]string{k}, o.keys[at:]...)...)
		o.vals = append(o.vals[:at], append([]any{v}, o.vals[at:]...)...)
		o.index = nil
	}
	if o.index != nil {
		o.index[k] = len(o.keys) - 1
	} else if len(o.keys) > smallObject {
		o.index = make(map[string]int, len(o.keys))
		for i, key := range o.keys {
			o.index[key] = i
		}
	}
}

// arrayIndex reports whether k is a canonical array index, which
// JavaScript orders before other member names.
func arrayIndex(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (k[0] == '0' && len(k) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(k[i]-'0')
	}
	return n, n < 1<<32-1
}

func (o *Object) remove(k string) {
	i := o.find(k)
	if i < 0 {
		return
	}
	o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
	o.vals = append(o.vals[:i:i], o.vals[i+1:]...)
	if o.index != nil {
		o.index = make(map[string]int, len(o.keys))
		for j, key := range o.keys {
			o.index[key] = j
		}
	}
}

// tuple is one item of a tuple stream: the context value '@' and the
// variables bound along the path.
type tuple struct {
	at    any
	names []string
	vals  []any
}

func (t *tuple) bind(name string, v any) {
	for i, n := range t.names {
		if n == name {
			t.vals[i] = v
			return
		}
	}
	t.names = append(t.names, name)
	t.vals = append(t.vals, v)
}

func (t *tuple) clone() *tuple {
	return &tuple{at: t.at, names: append([]string(nil), t.names...), vals: append([]any(nil), t.vals...)}
}

// norm turns an input value into the evaluator's model.
func norm(v any) any {
	switch x := v.(type) {
	case nil, bool, float64, string, *array, *Object, map[string]any:
		return v
	case []any:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = norm(e)
		}
		return &array{items: items}
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return string(x)
		}
		return f
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case Function:
		return newUserFunction(&x)
	case *Function:
		return newUserFunction(x)
	case []string:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = e
		}
		return &array{items: items}
	case []map[string]any:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = e
		}
		return &array{items: items}
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		return m
	}
	return v
}

// isObject reports whether v is an object of either kind.
func isObject(v any) bool {
	switch v.(type) {
	case *Object, map[string]any:
		return true
	}
	return false
}

// objectKeys lists an object's keys: in insertion order for objects built
// by expressions, sorted for input maps (Go maps keep no order).
func objectKeys(v any) []string {
	switch o := v.(type) {
	case *Object:
		return o.keys
	case map[string]any:
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, aIndex := arrayIndex(keys[i])
			b, bIndex := arrayIndex(keys[j])
			switch {
			case aIndex && bIndex:
				return a < b
			case aIndex != bIndex:
				return aIndex
			}
			return keys[i] < keys[j]
		})
		return keys
	}
	return nil
}

// objectGet reads one member of an object of either kind.
func objectGet(v any, k string) (any, bool) {
	switch o := v.(type) {
	case *Object:
		return o.get(k)
	case map[string]any:
		x, ok := o[k]
		if !ok {
			return nil, false
		}
		return norm(x), true
	}
	return nil, false
}

func objectLen(v any) int {
	switch o := v.(type) {
	case *Object:
		return len(o.keys)
	case map[string]any:
		return len(o)
	}
	return 0
}

// toObject copies an object of either kind into an *Object.
func toObject(v any) *Object {
	keys := objectKeys(v)
	o := newObject(len(keys))
	for _, k := range keys {
		x, _ := objectGet(v, k)
		o.set(k, x)
	}
	return o
}

func isFunction(v any) bool {
	switch v.(type) {
	case *lambda, *builtin, *partial, *regex, *uncallable:
		return true
	}
	return false
}

// isNumber reports whether v is a number that is not NaN; an infinite
// number is an error (D1001), as in the reference implementation.
func isNumber(v any) (bool, error) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) {
		return false, nil
	}
	if math.IsInf(f, 0) {
		return false, &Error{Code: "D1001", Value: f}
	}
	return true, nil
}

// typeSymbol is a value's letter in function signatures.
func typeSymbol(v any) byte {
	switch v.(type) {
	case undefined:
		return 'm'
	case nil:
		return 'l'
	case bool:
		return 'b'
	case float64:
		return 'n'
	case string:
		return 's'
	case *array:
		return 'a'
	case *Object, map[string]any:
		return 'o'
	}
	if isFunction(v) {
		return 'f'
	}
	return 'm'
}

// maxValueDepth bounds the nesting of values that are walked whole
// (exported, written as JSON, copied, compared). Only a transform can make
// a value contain itself, and such a value is deeper than any bound.
const maxValueDepth = 10000

// errCircular is the error for a value that contains itself, which
// jsonata-js reports as a JavaScript TypeError when it writes one.
func errCircular() error {
	return &Error{Code: "U1002", Value: "TypeError: Converting circular structure to JSON"}
}

// export turns a result into the JSON model, with objects as maps or, when
// ordered, as *Object. Functions are dropped from objects and become null
// in arrays, as JSON.stringify treats them.
func export(v any, ordered bool) (any, error) {
	x := exporter{ordered: ordered}
	out := x.value(v, 0)
	return out, x.err
}

type exporter struct {
	ordered bool
	err     error
}

func (x *exporter) value(v any, depth int) any {
	if depth > maxValueDepth {
		x.err = errCircular()
		return nil
	}
	skip := func(e any) bool { return isFunction(e) || isUndef(e) }
	switch t := v.(type) {
	case *array:
		out := make([]any, 0, len(t.items))
		for _, e := range t.items {
			if skip(e) {
				out = append(out, nil)
				continue
			}
			out = append(out, x.value(e, depth+1))
		}
		return out
	case *Object:
		if x.ordered {
			out := newObject(len(t.keys))
			for i, k := range t.keys {
				if !skip(t.vals[i]) {
					out.keys = append(out.keys, k)
					out.vals = append(out.vals, x.value(norm(t.vals[i]), depth+1))
				}
			}
			return out
		}
		out := make(map[string]any, len(t.keys))
		for i, k := range t.keys {
			if !skip(t.vals[i]) {
				out[k] = x.value(norm(t.vals[i]), depth+1)
			}
		}
		return out
	case map[string]any:
		if exported(t) {
			return t
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = x.value(norm(e), depth+1)
		}
		return out
	case float64, string, bool, nil:
		return v
	}
	if isFunction(v) {
		return Undefined
	}
	return v
}

// exported reports whether an input map already holds only JSON-model
// values, so that it can be returned without a copy.
func exported(m map[string]any) bool {
	for _, e := range m {
		switch x := e.(type) {
		case nil, bool, float64, string:
		case map[string]any:
			if !exported(x) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
