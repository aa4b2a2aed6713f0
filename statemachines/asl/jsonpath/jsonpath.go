package jsonpath

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNoMatch is reported (wrapped) by [Path.Get] when a definite path selects
// nothing in the document.
var ErrNoMatch = errors.New("jsonpath: no match")

// ErrTooManyMatches is reported (wrapped) by [Path.Get] when an indefinite
// path selects more than 262,144 values, which only hostile paths such
// as long chains of unions and ".." can do.
var ErrTooManyMatches = errors.New("jsonpath: too many matches")

// ErrCannotSet is reported (wrapped) by [Path.Set] when the path cannot be
// written into the document, for example because it crosses a value that is
// not an object. AWS raises States.ResultPathMatchFailure in that case.
var ErrCannotSet = errors.New("jsonpath: cannot set")

// ErrSyntax is reported (wrapped) by [Compile] for a malformed path.
var ErrSyntax = errors.New("jsonpath: invalid path")

// SyntaxError describes why [Compile] rejected an expression. It matches
// [ErrSyntax] with errors.Is.
type SyntaxError struct {
	Expr   string // the expression as given
	Pos    int    // byte offset of the problem
	Reason string // what is wrong
}

// Error returns a message naming the expression, offset and reason.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q at position %d: %s", e.Expr, e.Pos, e.Reason)
}

// Is reports whether target is [ErrSyntax].
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// MatchError reports that a definite path selected nothing. Message follows
// the wording of the Jayway JsonPath library that AWS uses, for example
// "No results for path: $['a']" or "Missing property in path $['a']".
// It matches [ErrNoMatch] with errors.Is.
type MatchError struct {
	Path    string // the path as written
	Message string // Jayway-style explanation
	tooMany bool   // the path matched too much, not nothing
}

// Error returns the Jayway-style message.
func (e *MatchError) Error() string { return e.Message }

// Is reports whether target is [ErrNoMatch], or [ErrTooManyMatches] for a
// path that selected more values than the evaluator will collect.
func (e *MatchError) Is(target error) bool {
	if e.tooMany {
		return target == ErrTooManyMatches
	}
	return target == ErrNoMatch
}

// SetError reports that [Path.Set] could not place a value. It matches
// [ErrCannotSet] with errors.Is.
type SetError struct {
	Path   string // the path as written
	Reason string // what blocked the write
}

// Error returns a message naming the path and the reason.
func (e *SetError) Error() string {
	return fmt.Sprintf("cannot set %s: %s", e.Path, e.Reason)
}

// Is reports whether target is [ErrCannotSet].
func (e *SetError) Is(target error) bool { return target == ErrCannotSet }

// Path is a compiled JSONPath expression rooted at "$" (the input), "$$"
// (the context object) or "$name" (the workflow variable name). A Path is
// immutable and safe for concurrent use.
type Path struct {
	expr     string
	context  bool
	variable string // the variable the path starts at, "" for "$" and "$$"
	steps    []step
}

// Compile parses expr. The expression must start with "$", "$$" or "$name"
// where name is a workflow variable name (see [IsVariableName]); a
// malformed expression yields a *[SyntaxError].
func Compile(expr string) (*Path, error) {
	return parse(expr)
}

// String returns the expression as it was written.
func (p *Path) String() string { return p.expr }

// IsContext reports whether the path starts with "$$" and so reads the
// context object.
func (p *Path) IsContext() bool { return p.context }

// Variable returns the name of the workflow variable the path starts at,
// as in "$name.field", or "" for a path on the input or the context
// object. Such a path is evaluated with the variable's value as the input
// of [Path.Get].
func (p *Path) Variable() string { return p.variable }

// IsVariableName reports whether s may name a workflow variable, as Step
// Functions allows: a letter or underscore, then letters, digits and
// underscores, 80 characters at most.
func IsVariableName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// IsReference reports whether the path is an AWS reference path: only
// plain fields and single indexes, no wildcard, slice, filter, union,
// recursive descent or function.
func (p *Path) IsReference() bool {
	for _, s := range p.steps {
		if !s.isSingle() {
			return false
		}
	}
	return true
}

// IsDefinite reports whether the path yields exactly one value when it
// matches: no wildcard, slice, filter, index union or recursive descent.
// A trailing length() keeps a path definite, and so does a union of names
// in the last step, which (as in Jayway) yields one object holding the
// named fields.
func (p *Path) IsDefinite() bool {
	for i, s := range p.steps {
		last := i == len(p.steps)-1
		if !s.isSingle() && s.kind != kindFunc && !(last && s.isNameUnion()) {
			return false
		}
	}
	return true
}

// normalized renders steps[:n] the way Jayway prints an evaluated path,
// e.g. $['a'][0]['b'].
func (p *Path) normalized(n int) string {
	var b strings.Builder
	b.WriteString("$")
	b.WriteString(p.variable)
	for _, s := range p.steps[:n] {
		b.WriteString(s.String())
	}
	return b.String()
}

// String renders a step in Jayway's normalized notation.
func (s step) String() string {
	prefix := ""
	if s.descent {
		prefix = ".."
	}
	switch s.kind {
	case kindField:
		quoted := make([]string, len(s.names))
		for i, n := range s.names {
			quoted[i] = "'" + n + "'"
		}
		return prefix + "[" + strings.Join(quoted, ",") + "]"
	case kindIndex:
		ix := make([]string, len(s.indexes))
		for i, n := range s.indexes {
			ix[i] = strconv.Itoa(n)
		}
		return prefix + "[" + strings.Join(ix, ",") + "]"
	case kindWildcard:
		return prefix + "[*]"
	case kindSlice:
		return prefix + s.slice.String()
	case kindFilter:
		return prefix + "[?]"
	default:
		return "." + s.fn + "()"
	}
}
