// Package jsontype names the type of a JSON value as the interpreter holds
// it (decoded with UseNumber), for error messages.
package jsontype

import (
	"encoding/json"
	"fmt"
)

// Name returns "null", "boolean", "number", "string", "array" or "object",
// or the Go type for a value that is not JSON.
func Name(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
