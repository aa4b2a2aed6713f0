package jsonata

// Error is a failure to compile or evaluate an expression, with JSONata's
// error code: S0xxx for syntax, T0xxx/T1xxx/T2xxx for type errors, D1xxx to
// D3xxx for dynamic errors, U1001 for an exceeded depth or time limit.
type Error struct {
	Code     string // JSONata's error code, e.g. "T2001"
	Position int    // the character offset in the expression the error points at
	Token    string // the token at that position, when there is one
	Value    any    // the offending value, when there is one
	Value2   any    // a second value some messages name
	Message  string // the message JSONata gives for the code
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }
