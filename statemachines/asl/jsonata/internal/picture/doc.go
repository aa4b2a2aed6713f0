// Package picture formats and parses numbers and dateTimes by picture
// string, as JSONata 2.0.6 does after XPath/XQuery 3.1 Functions and
// Operators: $formatNumber (fn:format-number), $formatInteger
// (fn:format-integer), $parseInteger, $fromMillis and $toMillis (fn:
// format-dateTime and its inverse) and $formatBase.
//
// The reference is the npm package jsonata 2.0.6, not only the W3C text:
// where they differ this package does what JSONata does, down to its
// quirks. Some examples: grouping separators that lie left of the digits
// wrap around ($formatInteger(12, "#:###,##0") is ",:12"); the timezone
// "-0530" is read as the integer -530, so hours -6 and minutes -30;
// $parseInteger reads digits with JavaScript's parseInt, so "0x10" is 16;
// $toMillis without a picture goes through JavaScript's Date.parse, whose
// legacy rules make "2018.5" the first of May 2018. Strings are handled
// as JavaScript's UTF-16 code units, so positions match for characters
// outside the Basic Multilingual Plane too.
//
// # Two layers
//
// FormatInteger, ParseInteger, FormatNumber, FormatDateTime,
// ParseDateTime and FormatBase take Go types and treat an empty picture
// or timezone as absent. FromMillis, ToMillis and FormatBaseNumber take
// JSONata's arguments as they come: nil for an absent string, float64
// for a number (a fractional or NaN result, as JavaScript makes them),
// and, for $toMillis, the evaluation's timestamp, from which a picture's
// missing components are taken. An evaluator calls the second layer.
//
// # Errors
//
// Errors are *Error values whose Code is JSONata's (D3080 to D3093,
// D3100, D3110, D3130 to D3136) and whose Message is JSONata's text.
// Where JSONata fails with a JavaScript exception instead, Code is its
// name: "TypeError" (a component without a value read as an object,
// such as [fN]), "RangeError" (toFixed beyond 100 digits, a code point
// out of range, the stack overflow of ten thousand roman M's) or
// "SyntaxError" (a timezone separator that breaks the regular expression
// $toMillis builds). Where JSONata never returns, Code is "U1001": an
// exponent picture with a number that is zero, negative or infinite, and
// letters for an infinite number.
//
// # Known differences
//
//   - Math.pow in Node 20 rounds a few powers beyond 2^53 differently
//     from the fdlibm algorithm used here (21 of the 802 powers of 10 and
//     26 from 0 to 400; the first are 10^26, 10^36 and 26^22, and 10^26
//     is 9.999999999999999e25 there). It matters only for exponent
//     pictures with 26 or more mandatory integer digits and for letter
//     numerals of 23 or more letters.
//   - JSONata's recursive roman numerals overflow V8's stack somewhere
//     near nine million (the point varies between runs); here from ten
//     million.
//   - Widths that pad a component beyond 65,536 digits fail with
//     RangeError; JSONata builds such strings up to V8's string limit.
//   - When parsing, a width of more than 1,000 digits matches nothing (Go
//     expressions repeat at most 1,000 times).
//   - Local time is UTC, as where Step Functions evaluates JSONata.
package picture
