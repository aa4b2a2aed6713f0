package events

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DecodeStrict reads data, one JSON value, into v the one way every
// command is read, whether it arrives as an HTTP body or as a task payload:
//
//   - a name matches a field only when it is spelled exactly the same,
//     case included, and a name that matches no field is an error;
//   - a name that appears twice in one object is an error;
//   - a string that is not valid UTF-8, as raw bytes or as an escaped lone
//     surrogate, is an error rather than being rewritten as U+FFFD;
//   - numbers must fit their field exactly: no fraction in an integer, no
//     overflow;
//   - nothing but white space may follow the value.
//
// The decoder is github.com/go-json-experiment/json, the design of
// encoding/json/v2. It returns an InvalidCommand *Error whose message
// starts with what (such as "body"), then names the problem and where it
// is; v may then be partly filled.
func DecodeStrict(data []byte, v any, what string) error {
	err := json.Unmarshal(data, v, json.RejectUnknownMembers(true))
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e // from a Command's UnmarshalJSON, already described
	}
	return Errorf(CodeInvalidCommand, "%s: %s", what, describeJSON(err))
}

// DecodePayload reads a task's payload, as the state machine sends it, into
// v: names match fields spelled exactly the same, members v has no field
// for are ignored, and a repeated name or invalid UTF-8 is left for the
// decoder of the value that holds it (a command's DecodeStrict, which
// refuses both) rather than refused here. It is the same decoder as
// DecodeStrict's, which reads a payload in about half the time
// encoding/json takes. Its errors are InvalidCommand, whose message starts
// with what and says where the payload went wrong, in the terms
// DecodeStrict uses; an UnmarshalJSON method's *Error is kept as its
// detail.
func DecodePayload(data []byte, v any, what string) error {
	err := json.Unmarshal(data, v, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var (
		e   *Error
		sem *json.SemanticError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e) && errors.As(err, &sem) && sem.JSONPointer != "":
		return Errorf(CodeInvalidCommand, "%s: %s: %s", what, fieldName(sem.JSONPointer), e.Detail())
	case errors.As(err, &e):
		return Errorf(CodeInvalidCommand, "%s: %s", what, e.Detail())
	}
	return Errorf(CodeInvalidCommand, "%s: %s", what, describeJSON(err))
}

// describeJSON says what is wrong with a JSON text, for a person.
func describeJSON(err error) string {
	var (
		sem *json.SemanticError
		syn *jsontext.SyntacticError
	)
	switch {
	case errors.As(err, &sem):
		return describeSemantic(sem)
	case errors.As(err, &syn):
		return describeSyntax(syn)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: it ends too early"
	}
	return "not acceptable JSON: " + err.Error()
}

func describeSyntax(e *jsontext.SyntacticError) string {
	field := fieldName(e.JSONPointer)
	switch text := e.Err.Error(); {
	case errors.Is(e.Err, jsontext.ErrDuplicateName):
		return fmt.Sprintf("field %q appears more than once", field)
	case text == "invalid UTF-8", strings.Contains(text, "surrogate"):
		return fmt.Sprintf("field %q is not valid UTF-8 (byte %d)", field, e.ByteOffset)
	case errors.Is(e.Err, io.ErrUnexpectedEOF) && e.ByteOffset == 0:
		return "no JSON value: it must be a JSON object"
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "malformed JSON: it ends too early"
	case strings.Contains(text, "after top-level value"):
		return "must hold one JSON object and nothing after it"
	}
	return fmt.Sprintf("malformed JSON at byte %d: %v", e.ByteOffset, e.Err)
}

func describeSemantic(e *json.SemanticError) string {
	field := fieldName(e.JSONPointer)
	switch {
	case errors.Is(e.Err, json.ErrUnknownName):
		return unknownField(field, e.GoType)
	case field == "":
		return fmt.Sprintf("must be a JSON object, got %s", kindName(e.JSONKind))
	case e.GoType != nil && e.GoType.Kind() == reflect.Int64 && e.JSONKind == '0':
		return fmt.Sprintf("%s must be a whole number of minor units that fits in 64 bits, got %s", field, e.JSONValue)
	case e.GoType != nil && e.GoType.String() == "time.Time":
		return fmt.Sprintf("%s must be an RFC 3339 time such as 2026-11-23T10:00:00Z", field)
	case e.GoType != nil:
		return fmt.Sprintf("%s must be a %s, got %s", field, goKindName(e.GoType), kindName(e.JSONKind))
	}
	return fmt.Sprintf("%s is not acceptable: %v", field, e.Err)
}

// unknownField names a field the target does not have, and the one it
// has under another case, if any.
func unknownField(name string, t reflect.Type) string {
	msg := fmt.Sprintf("unknown field %q", name)
	if t != nil && t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if tag != name && strings.EqualFold(tag, name) {
				return msg + fmt.Sprintf("; names are case-sensitive: did you mean %q?", tag)
			}
		}
	}
	return msg
}

// fieldName turns a JSON pointer such as /amount into a.b form.
func fieldName(p jsontext.Pointer) string {
	return strings.ReplaceAll(strings.TrimPrefix(string(p), "/"), "/", ".")
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "something else"
}

func goKindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Struct, reflect.Map:
		return "JSON object"
	case reflect.Slice:
		return "JSON array"
	}
	return t.Kind().String()
}
