package jsonata

import (
	"strconv"
	"strings"
)

// Error is a failure to compile or evaluate an expression, with JSONata's
// error code: S0xxx for syntax, T0xxx to T2xxx for type errors, D1xxx to
// D3xxx for dynamic errors, U1001 for an exceeded depth or time limit.
type Error struct {
	Code     string // JSONata's error code, e.g. "T2001"
	Position int    // the character offset in the expression the error points at
	Token    string // the token at that position, when there is one
	Value    any    // the offending value, when there is one
	Value2   any    // a second value some messages name
	Message  string // the message JSONata gives for the code

	index  int    // the argument number, for signature errors
	typ    string // the expected item type, for T0412
	exp    any    // the exponent, for D3061
	fnName string // the function, for D3140
}

// Error returns "Code: Message".
func (e *Error) Error() string {
	if e.Message == "" {
		e.fillMessage()
	}
	return e.Code + ": " + e.Message
}

// messages are the reference implementation's message templates: {{x}}
// inserts x as JSON, {{{x}}} as it is.
var messages = map[string]string{
	"S0101": "String literal must be terminated by a matching quote",
	"S0102": "Number out of range: {{token}}",
	"S0103": "Unsupported escape sequence: \\{{token}}",
	"S0104": "The escape sequence \\u must be followed by 4 hex digits",
	"S0105": "Quoted property name must be terminated with a backquote (`)",
	"S0106": "Comment has no closing tag",
	"S0201": "Syntax error: {{token}}",
	"S0202": "Expected {{value}}, got {{token}}",
	"S0203": "Expected {{value}} before end of expression",
	"S0204": "Unknown operator: {{token}}",
	"S0205": "Unexpected token: {{token}}",
	"S0206": "Unknown expression type: {{token}}",
	"S0207": "Unexpected end of expression",
	"S0208": "Parameter {{value}} of function definition must be a variable name (start with $)",
	"S0209": "A predicate cannot follow a grouping expression in a step",
	"S0210": "Each step can only have one grouping expression",
	"S0211": "The symbol {{token}} cannot be used as a unary operator",
	"S0212": "The left side of := must be a variable name (start with $)",
	"S0213": "The literal value {{value}} cannot be used as a step within a path expression",
	"S0214": "The right side of {{token}} must be a variable name (start with $)",
	"S0215": "A context variable binding must precede any predicates on a step",
	"S0216": "A context variable binding must precede the 'order-by' clause on a step",
	"S0217": "The object representing the 'parent' cannot be derived from this expression",
	"S0301": "Empty regular expressions are not allowed",
	"S0302": "No terminating / in regular expression",
	"S0303": "The regular expression uses a feature this implementation does not support: {{value}}",
	"S0402": "Choice groups containing parameterized types are not supported",
	"S0401": "Type parameters can only be applied to functions and arrays",
	"S0500": "Attempted to evaluate an expression containing syntax error(s)",
	"T0410": "Argument {{index}} of function {{token}} does not match function signature",
	"T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
	"T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
	"D1001": "Number out of range: {{value}}",
	"D1002": "Cannot negate a non-numeric value: {{value}}",
	"T1003": "Key in object structure must evaluate to a string; got: {{value}}",
	"D1004": "Regular expression matches zero length string",
	"T1005": "Attempted to invoke a non-function. Did you mean ${{{token}}}?",
	"T1006": "Attempted to invoke a non-function",
	"T1007": "Attempted to partially apply a non-function. Did you mean ${{{token}}}?",
	"T1008": "Attempted to partially apply a non-function",
	"D1009": "Multiple key definitions evaluate to same key: {{value}}",
	"T1010": "The matcher function argument passed to function {{token}} does not return the correct object structure",
	"T2001": "The left side of the {{token}} operator must evaluate to a number",
	"T2002": "The right side of the {{token}} operator must evaluate to a number",
	"T2003": "The left side of the range operator (..) must evaluate to an integer",
	"T2004": "The right side of the range operator (..) must evaluate to an integer",
	"T2006": "The right side of the function application operator ~> must be a function",
	"T2007": "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
	"T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
	"T2009": "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type",
	"T2010": "The expressions either side of operator {{token}} must evaluate to numeric or string values",
	"T2011": "The insert/update clause of the transform expression must evaluate to an object: {{value}}",
	"T2012": "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}",
	"T2013": "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.",
	"D2014": "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {{value}}.",
	"D3001": "Attempting to invoke string function on Infinity or NaN",
	"D3010": "Second argument of replace function cannot be an empty string",
	"D3011": "Fourth argument of replace function must evaluate to a positive number",
	"D3012": "Attempted to replace a matched string with a non-string value",
	"D3020": "Third argument of split function must evaluate to a positive number",
	"D3030": "Unable to cast value to a number: {{value}}",
	"D3040": "Third argument of match function must evaluate to a positive number",
	"D3050": "The second argument of reduce function must be a function with at least two arguments",
	"D3060": "The sqrt function cannot be applied to a negative number: {{value}}",
	"D3061": "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}",
	"D3070": "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
	"D3100": "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}",
	"D3110": "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
	"D3120": "Syntax error in expression passed to function eval: {{value}}",
	"D3121": "Dynamic error evaluating the expression passed to function eval: {{value}}",
	"D3137": "{{{message}}}",
	"D3138": "The $single() function expected exactly 1 matching result.  Instead it matched more.",
	"D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
	"D3140": "Malformed URL passed to ${{{functionName}}}(): {{value}}",
	"D3141": "{{{message}}}",
	"U1002": "jsonata-js 2.0.6 fails here with a JavaScript error: {{{value}}}",
	"U1001": "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
}

// fillMessage substitutes the error's fields into its code's template.
func (e *Error) fillMessage() {
	t, ok := messages[e.Code]
	if !ok {
		e.Message = e.Code
		return
	}
	var b strings.Builder
	for {
		i := strings.Index(t, "{{")
		if i < 0 {
			b.WriteString(t)
			break
		}
		b.WriteString(t[:i])
		raw := strings.HasPrefix(t[i:], "{{{")
		open, close := "{{", "}}"
		if raw {
			open, close = "{{{", "}}}"
		}
		j := strings.Index(t[i:], close)
		if j < 0 {
			b.WriteString(t[i:])
			break
		}
		name := t[i+len(open) : i+j]
		b.WriteString(e.insert(name, raw))
		t = t[i+j+len(close):]
	}
	e.Message = b.String()
}

func (e *Error) insert(name string, raw bool) string {
	var v any = Undefined
	switch name {
	case "token":
		v = e.Token
		if e.Token == "" {
			v = Undefined
		}
	case "value":
		v = e.Value
	case "value2":
		v = e.Value2
	case "index":
		v = float64(e.index)
	case "type":
		v = e.typ
	case "exp":
		v = e.exp
	case "message":
		return e.Message
	case "functionName":
		return e.fnName
	}
	if raw {
		if s, ok := v.(string); ok {
			return s
		}
		if isUndef(v) {
			return "undefined"
		}
	}
	if isUndef(v) {
		return "undefined"
	}
	if f, ok := v.(float64); ok {
		return numberString(f)
	}
	s, err := stringify(v, false)
	if err != nil {
		return strconv.Quote(err.Error())
	}
	if _, isStr := v.(string); isStr {
		return quoteJSON(v.(string))
	}
	return s
}
