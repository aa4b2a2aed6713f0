package jsonpath

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decode parses JSON the way the interpreter does (UseNumber).
func decode(t testing.TB, raw []byte) any {
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

// assertJSON checks got holds only UseNumber types and equals want by
// JSON value (numbers by value).
func assertJSON(t *testing.T, got, want any) {
	t.Helper()
	assertTypes(t, got)
	if !reflect.DeepEqual(canonical(t, got), canonical(t, want)) {
		t.Fatalf("got %s, want %s", mustJSON(t, got), mustJSON(t, want))
	}
}

func assertTypes(t *testing.T, v any) {
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

func canonical(t *testing.T, v any) any {
	var out any
	if err := json.Unmarshal([]byte(mustJSON(t, v)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
