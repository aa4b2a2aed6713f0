package jsontype

import (
	"encoding/json"
	"testing"
)

func TestName(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "null"}, {true, "boolean"}, {json.Number("1.5"), "number"}, {"s", "string"},
		{[]any{}, "array"}, {map[string]any{}, "object"}, {1.5, "float64"},
	}
	for _, tt := range tests {
		if got := Name(tt.v); got != tt.want {
			t.Errorf("Name(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
