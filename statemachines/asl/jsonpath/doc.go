// Package jsonpath implements the JSONPath dialect of AWS Step Functions
// (JSONPath query language), which follows the Jayway JsonPath library.
//
// A path starts with "$" (the state input), "$$" (the context object) or
// "$name" (the workflow variable name, whose value the caller passes as the
// input), and supports dot and bracket fields ('name' or "name"), indexes
// (negative ones count from the end), slices [from:to], wildcards [*] and
// .*, unions [0,1] and ['a','b'], recursive descent "..", filters [?(...)]
// and a trailing length().
//
// Values are what encoding/json produces with Decoder.UseNumber: nil, bool,
// json.Number, string, []any and map[string]any. Inside the interpreter a
// document may also hold raw JSON texts that were never decoded (the
// internal jsonvalue.Raw): [Path.Get] and [Path.Set] read and write
// through them along definite paths, and may return one where the input
// held it; every other evaluation decodes them first. Callers outside the
// interpreter cannot make one, and so never see one.
//
// Behaviour that follows AWS rather than a reading of the spec:
//   - A definite path that selects nothing is an error (ErrNoMatch) whose
//     message is Jayway's, e.g. "No results for path: $['a']".
//   - An indefinite path that selects nothing yields an empty array.
//   - A backslash inside a quoted bracket name stops the next character from
//     closing the name but is kept in the name.
//   - A union of names in the last step yields one object holding those
//     fields.
//   - Go maps keep no key order, so wildcards and ".." visit object members
//     in sorted key order.
package jsonpath
