// Package jsontest holds JSON test helpers: values decoded as the
// interpreter decodes them (UseNumber) and compared by JSON value, so that
// key order and number spelling do not matter.
package jsontest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Decode parses JSON the way the interpreter does (UseNumber).
func Decode(t testing.TB, raw []byte) any {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

// Equal checks got holds only UseNumber types and equals want by
// JSON value (numbers by value).
func Equal(t testing.TB, got, want any) {
	t.Helper()
	assertTypes(t, got)
	if !reflect.DeepEqual(canonical(t, got), canonical(t, want)) {
		t.Fatalf("got %s, want %s", Marshal(t, got), Marshal(t, want))
	}
}

func assertTypes(t testing.TB, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil, bool, json.Number, string:
	case []any:
		for _, e := range x {
			assertTypes(t, e)
		}
	case map[string]any:
		for _, e := range x {
			assertTypes(t, e)
		}
	default:
		t.Fatalf("value of type %T is not a UseNumber JSON value", v)
	}
}

func canonical(t testing.TB, v any) any {
	var out any
	if err := json.Unmarshal([]byte(Marshal(t, v)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Marshal encodes v, failing the test if it cannot.
func Marshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// EqualText checks that got and want are JSON texts holding the same value.
func EqualText(t testing.TB, got, want []byte) {
	t.Helper()
	Equal(t, Decode(t, got), Decode(t, want))
}
