package events

import (
	"context"
	"encoding/json"
	"time"
)

// History is what Load returns: the latest snapshot and the events after it.
type History struct {
	// Snapshot is the state at the latest multiple of SnapshotEvery, or the
	// zero State when the account has fewer events than that.
	Snapshot State
	// Events follow the snapshot, in version order: at most SnapshotEvery-1.
	Events []Event
}

// State folds the history into the current state.
func (h History) State() (State, error) { return Replay(h.Snapshot, h.Events) }

// Appended is the result of a successful Append.
type Appended struct {
	// Events are the events as stored, with RecordedAt set. For a duplicate
	// command they are the events stored the first time.
	Events []Event
	// Duplicate reports that the command id had already been applied, so
	// nothing was written.
	Duplicate bool
}

// EventStore is the append-only log of every account's events.
//
// Implementations are safe for concurrent use. Every method returns an
// *Error: InvalidArgument for bad input, StoreUnavailable when the store
// cannot be used, Throttled when it asks the caller to slow down.
type EventStore interface {
	// Append atomically stores evs as the versions after expected, and
	// records commandID as applied to the account, with fp, the
	// fingerprint of the request (Command.Fingerprint), beside it. Each
	// event must carry account, the next version, commandID and an id made
	// by EventID. When the snapshot version is reached, the State at that
	// version is stored in the same atomic write.
	//
	// If commandID was already applied to the account, Append writes
	// nothing: when the stored fingerprint and fp differ (SameRequest) it
	// returns IdempotencyKeyReused, and otherwise the events stored the
	// first time, with Duplicate set. The check is made against what the
	// winning write stored, so of two different requests racing with one
	// command id only one is applied. Otherwise, if any version after
	// expected is taken, it returns VersionConflict. Input that fails
	// CheckAppend returns InvalidArgument or EventTooLarge, and nothing is
	// written.
	Append(ctx context.Context, account string, expected int64, evs []Event, commandID string, fp Fingerprint) (Appended, error)

	// Load returns the latest snapshot and the events after it. An account
	// with no events gives an empty History and no error.
	Load(ctx context.Context, account string) (History, error)

	// Command returns the events that commandID produced on account, as
	// stored, or nil when that command was never applied to the account.
	// When fp is not "" and the command was recorded with a different
	// fingerprint, it returns IdempotencyKeyReused instead.
	Command(ctx context.Context, account, commandID string, fp Fingerprint) ([]Event, error)

	// Snapshot returns the latest snapshot at or before version, or the zero
	// State when there is none.
	Snapshot(ctx context.Context, account string, version int64) (State, error)

	// Read returns up to limit events of account, in order, starting at
	// version from (at least 1). limit must be between 1 and MaxReadLimit.
	Read(ctx context.Context, account string, from int64, limit int) ([]Event, error)

	// Accounts returns up to limit account ids that have events, in
	// ascending byte order, starting after the id after ("" for the first
	// page). It is the stable scan used to rebuild read models.
	Accounts(ctx context.Context, after string, limit int) ([]string, error)
}

// MaxReadLimit bounds the events one Read and the ids one Accounts returns.
const MaxReadLimit = 1000

// StateStore is the read model: the precomputed current state of each
// account. It only moves forward.
type StateStore interface {
	// Get returns the stored state of account, or AccountNotFound.
	Get(ctx context.Context, account string) (State, error)

	// Put stores s only if the stored version of s.Account is below
	// s.Version (or there is none). It reports whether s was stored; a
	// state that is not newer is not an error.
	Put(ctx context.Context, s State) (bool, error)
}

// Publisher hands events to other consumers, at least once. Subscribers
// dedupe by Event.ID, which never changes.
type Publisher interface {
	// Publish sends evs in order. On failure it returns PublishFailed or
	// Throttled, and the caller may publish the same events again.
	Publish(ctx context.Context, evs []Event) error
}

// DeadLetter is a message that could not be processed, kept for a person or
// a redrive to deal with.
type DeadLetter struct {
	ID       string    `json:"id"`
	Body     string    `json:"body"`
	Received time.Time `json:"received"`
}

// DeadLetters is a durable dead-letter queue.
type DeadLetters interface {
	// Send stores body and returns its message id.
	Send(ctx context.Context, body string) (string, error)
	// List returns the stored messages, oldest first.
	List(ctx context.Context) ([]DeadLetter, error)
	// Get returns one message, or an InvalidArgument *Error when no message
	// has that id.
	Get(ctx context.Context, id string) (DeadLetter, error)
	// Delete removes one message. Deleting a missing message is not an error.
	Delete(ctx context.Context, id string) error
}

// CheckAppend validates the arguments of EventStore.Append, so that every
// adapter rejects the same input with the same error before writing.
func CheckAppend(account string, expected int64, evs []Event, commandID string, fp Fingerprint) error {
	if err := CheckID(CodeInvalidArgument, "account id", account); err != nil {
		return err
	}
	if err := CheckID(CodeInvalidArgument, "command id", commandID); err != nil {
		return err
	}
	switch {
	case expected < 0:
		return Errorf(CodeInvalidArgument, "expected version %d is negative", expected)
	case len(evs) == 0:
		return Errorf(CodeInvalidArgument, "append to %s has no events", account)
	case len(fp) > MaxFingerprintLength:
		return Errorf(CodeInvalidArgument, "fingerprint of command %s is %d bytes; the limit is %d", commandID, len(fp), MaxFingerprintLength)
	}
	for i, e := range evs {
		if err := checkEvent(account, expected+int64(i)+1, commandID, e); err != nil {
			return err
		}
	}
	return nil
}

func checkEvent(account string, version int64, commandID string, e Event) error {
	switch {
	case e.Account != account || e.Version != version || e.ID != EventID(account, version):
		return Errorf(CodeInvalidArgument, "event %q must be %s at version %d", e.ID, EventID(account, version), version)
	case e.CommandID != commandID:
		return Errorf(CodeInvalidArgument, "event %s carries command %q, not %q", e.ID, e.CommandID, commandID)
	case !e.Type.Known():
		return Errorf(CodeInvalidArgument, "event %s has unknown type %q", e.ID, e.Type)
	case !json.Valid(e.Data):
		return Errorf(CodeInvalidArgument, "event %s data is not valid JSON", e.ID)
	}
	return checkSize(e)
}

// envelopeBound bounds the encoded size of an event's fields other than
// its data: ids and command ids are at most MaxIDLength, times and types
// are short.
const envelopeBound = 1024

// checkSize encodes an event only when its data is near the limit.
func checkSize(e Event) error {
	if len(e.Data)+envelopeBound <= MaxEventSize {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return Wrap(CodeInvalidArgument, err, "event "+e.ID+" cannot be encoded")
	}
	if len(b) > MaxEventSize {
		return Errorf(CodeEventTooLarge, "event %s is %d bytes; the limit is %d", e.ID, len(b), MaxEventSize)
	}
	return nil
}

// CheckRead validates the arguments of EventStore.Read.
func CheckRead(account string, from int64, limit int) error {
	if err := CheckID(CodeInvalidArgument, "account id", account); err != nil {
		return err
	}
	switch {
	case from < 1:
		return Errorf(CodeInvalidArgument, "read from version %d; versions start at 1", from)
	case limit < 1 || limit > MaxReadLimit:
		return Errorf(CodeInvalidArgument, "read limit %d must be between 1 and %d", limit, MaxReadLimit)
	}
	return nil
}

// Snapshots returns the state after each event of evs that is due a
// snapshot, folding from h. Stores call it inside Append to write snapshots
// atomically with the events that reach them.
func Snapshots(h History, evs []Event) ([]State, error) {
	if !anyDue(evs) {
		return nil, nil
	}
	s, err := h.State()
	if err != nil {
		return nil, err
	}
	var out []State
	for _, e := range evs {
		if s, err = Replay(s, []Event{e}); err != nil {
			return nil, err
		}
		if SnapshotDue(e.Version) {
			out = append(out, s)
		}
	}
	return out, nil
}

func anyDue(evs []Event) bool {
	for _, e := range evs {
		if SnapshotDue(e.Version) {
			return true
		}
	}
	return false
}
