// Package jsonvalue decodes and encodes JSON values held as Go any trees
// (nil, bool, string, json.Number, []any and map[string]any), byte for byte
// as encoding/json does with UseNumber on the way in and SetEscapeHTML(false)
// on the way out, in one pass and with far fewer allocations.
//
// # Raw values
//
// A tree may also hold a [Raw]: the text of an object or array that
// [DecodeLazy] checked once and left undecoded, because its bytes are
// already what [Append] would write. The interpreter makes Raw values of
// the JSON that Lambda functions return, most of which it only moves from
// one function's result to the next function's payload.
//
// The rule that keeps Raw safe: a Raw goes only where the code handles it.
//
//   - [Append] and [Len] copy and count its bytes; so does encoding/json,
//     through [Raw.MarshalJSON].
//   - The data flow navigates into it without decoding it: [Raw.Member],
//     [Raw.Index] and [Raw.Count] for the definite paths of InputPath,
//     Parameters, ResultSelector, ResultPath and OutputPath, and
//     [Raw.Shallow] to open the one level a ResultPath writes into.
//   - Every other consumer, any code that asks whether a value is a
//     map[string]any, a []any, a string or a number (Choice rules,
//     intrinsic functions, filters and wildcards, Map items, the paths a
//     Wait or Fail state reads, the input of task handlers that are not
//     Lambda functions), gets its value through [Expand], which decodes
//     every Raw inside it. A value passed through Expand holds no Raw.
//
// A Raw stands for exactly the value [Decode] gives for its text; the one
// visible difference is that its members keep the order of the text when
// it is encoded, where Append writes a map's keys sorted. Step Functions
// keeps the order a Lambda function wrote, so this is the order AWS shows.
package jsonvalue
