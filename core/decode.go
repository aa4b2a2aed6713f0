package core

import (
	"bytes"
	"encoding/json"
)

// DecodeStrict reads data as exactly one JSON value into v, refusing
// members v does not have. It returns an InvalidCommand *Error.
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Wrap(CodeInvalidCommand, err, "the command does not decode")
	}
	if dec.More() {
		return Errorf(CodeInvalidCommand, "the command has data after its JSON value")
	}
	return nil
}
