// Package intrinsic compiles and evaluates the intrinsic functions of the
// Amazon States Language (JSONPath query language), such as
// States.Format('{} {}', $.a, States.UUID()).
//
// Arguments may be string literals (in single quotes, with \', \{, \} and
// \\ escapes), numbers, true, false, null, JSONPaths on the input ("$") or
// the context object ("$$"), and nested calls.
//
// [Compile] reports malformed calls, unknown functions and wrong argument
// counts. [Expr.Eval] reports failures of the functions themselves as
// *[Error], which the interpreter raises as States.IntrinsicFailure.
package intrinsic
