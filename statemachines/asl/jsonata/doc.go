// Package jsonata evaluates JSONata expressions as JSONata 2.0.6 does, the
// version that AWS Step Functions implements for its JSONata query language.
//
// An expression is compiled once and can then be evaluated any number of
// times, concurrently, against different inputs and variable bindings:
//
//	e, err := jsonata.Compile(`$sum(items.price)`)
//	v, err := e.Evaluate(input, map[string]any{"states": states})
//
// Values in and out follow the JSON model of encoding/json: nil, bool,
// float64, string, []any and map[string]any. On input, json.Number and Go
// integers are accepted as numbers. An expression that yields nothing
// returns [Undefined]. Every failure is an [*Error] that carries JSONata's
// error code (for example T2001 or D3137) and the position in the
// expression.
//
// Evaluation is bounded: [WithLimits] sets a depth and a time limit, and an
// expression that exceeds either fails with code U1001.
package jsonata
