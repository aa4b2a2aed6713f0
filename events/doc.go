// Package events is the bank-account domain of stepfold and the ports its
// adapters implement.
//
// A Command is an intent. Decide applies the rules to the current State and
// either rejects the command with an *Error or turns it into one or more
// immutable Events, named in the past tense. State is a fold of events over
// the zero State: Apply is the pure transition and Replay folds a History
// (a snapshot plus the events after it).
//
// Every Event carries two clocks: OccurredAt, the business time it is for,
// and its order, a gapless Version per account plus RecordedAt, the time it
// was stored.
//
// The ports are EventStore (the append-only log with snapshots), StateStore
// (the precomputed read model), Publisher (fan-out to other consumers) and
// DeadLetters (commands that could not be completed). Adapters live in
// subpackages and import only this package; storetest holds the conformance
// suite every EventStore and StateStore must pass.
//
// Commands are read strictly, in one place: DecodeStrict, which
// Command's UnmarshalJSON uses, so that the HTTP API and the Validate task
// (in process or as a Lambda function) refuse the same loose JSON.
//
// This package imports only the standard library and
// github.com/go-json-experiment/json (the design of encoding/json/v2), the
// strict decoder behind DecodeStrict.
package events
