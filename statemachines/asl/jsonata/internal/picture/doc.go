// Package picture formats and parses numbers and dateTimes by picture
// string, as JSONata 2.0.6 does after XPath/XQuery 3.1 Functions and
// Operators: $formatNumber (fn:format-number), $formatInteger
// (fn:format-integer), $parseInteger, $fromMillis and $toMillis with a
// picture (fn:format-dateTime and its inverse), and $formatBase.
//
// The behaviour, including the error codes, follows the reference
// implementation (npm jsonata 2.0.6), not only the W3C text: where the
// two differ, this package does what the reference does.
//
// Numbers are float64, as in JSONata. Errors are *Error values whose Code
// is JSONata's error code (D3110, D3130, ...).
package picture
