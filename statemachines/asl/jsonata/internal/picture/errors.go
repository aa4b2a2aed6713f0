package picture

import (
	"encoding/json"
	"math"
	"strings"
)

// Error is a formatting or parsing failure. Code is JSONata's error code
// (for example "D3130"), Message is JSONata's message for it, and Value,
// when not nil, is the value the message names.
//
// Where JSONata 2.0.6 fails with a JavaScript exception rather than a
// JSONata error, Code is the JavaScript error name ("TypeError",
// "RangeError") and Message is the engine's message. Where it never
// finishes (see FormatNumber), Code is "U1001".
type Error struct {
	Code    string
	Message string
	Value   any
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// messages are JSONata's message templates for the codes this package
// raises; {{value}} stands for the JSON form of Value.
var messages = map[string]string{
	"D3080": "The picture string must only contain a maximum of two sub-pictures",
	"D3081": "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
	"D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
	"D3083": "The sub-picture must not contain more than one instance of the 'per-mille' character",
	"D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
	"D3085": "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
	"D3086": "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
	"D3087": "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
	"D3088": "The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
	"D3089": "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
	"D3090": "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
	"D3091": "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
	"D3092": "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
	"D3093": "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'",
	"D3100": "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}",
	"D3110": "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
	"D3130": "Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation",
	"D3131": "In a decimal digit pattern, all digits must be from the same decimal group",
	"D3132": "Unknown component specifier {{value}} in date/time picture string",
	"D3133": "The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}",
	"D3134": "The timezone integer format specifier cannot have more than four digits",
	"D3135": "No matching closing bracket ']' in date/time picture string",
	"D3136": "The date/time picture string is missing specifiers required to parse the timestamp",
}

// jsonataError builds the error JSONata raises with code, naming value.
func jsonataError(code string, value any) *Error {
	msg := messages[code]
	if strings.Contains(msg, "{{value}}") {
		msg = strings.ReplaceAll(msg, "{{value}}", jsonValue(value))
	}
	return &Error{Code: code, Message: msg, Value: value}
}

// jsonValue is JSON.stringify(value) as JSONata's message templates
// insert it.
func jsonValue(value any) string {
	if value == nil {
		return "undefined"
	}
	if f, ok := value.(float64); ok {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "null"
		}
		return numberToString(f)
	}
	b, err := json.Marshal(value)
	if err != nil {
		return ""
	}
	return string(b)
}

// jsError is a JavaScript exception that JSONata lets through unchanged.
func jsError(name, msg string) *Error {
	return &Error{Code: name, Message: msg}
}

// stackOverflow is the RangeError V8 raises when JSONata's recursive
// numeral and word builders run too deep.
func stackOverflow() *Error {
	return jsError("RangeError", "Maximum call stack size exceeded")
}

// neverEnds reports a call for which JSONata 2.0.6 loops forever.
func neverEnds(what string) *Error {
	return &Error{Code: "U1001", Message: what + " does not terminate in JSONata 2.0.6 for these arguments"}
}
