package picture

// Error is a formatting or parsing failure. Code is JSONata's error code
// (for example "D3130"), Message describes the failure, and Value, when
// not nil, is the offending part of the input or picture.
type Error struct {
	Code    string
	Message string
	Value   any
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newError(code, msg string, value any) *Error {
	return &Error{Code: code, Message: msg, Value: value}
}
