package events

import (
	"context"
	"encoding/json"
	"time"
)

// SnapshotEvery is the snapshot interval: the tasks hand the store the state
// at every version that is a multiple of it, written atomically with the
// event that reaches it, so a load reads at most SnapshotEvery items.
const SnapshotEvery = 10

// SnapshotDue reports whether a snapshot belongs at version.
func SnapshotDue(version int64) bool { return version > 0 && version%SnapshotEvery == 0 }

// Snapshot is a stream's state at one version, as the domain's JSON. The
// event store keeps one every SnapshotEvery versions, and the state store
// keeps the latest as the read model. The zero Snapshot is "no state".
type Snapshot struct {
	Version int64           `json:"version"`
	State   json.RawMessage `json:"state"`
	// LastOccurredAt is the latest business time among the events folded
	// into State. Business time need not grow with version (an event may
	// be backdated), so this is a running maximum; a read as of a business
	// time uses it to pick a snapshot.
	LastOccurredAt time.Time `json:"lastOccurredAt,omitzero"`
}

// History is what Load returns: the latest snapshot and the events after it.
type History struct {
	// Snapshot is the state at the latest multiple of SnapshotEvery, or the
	// zero Snapshot when the stream has fewer events than that.
	Snapshot Snapshot
	// Events follow the snapshot, in version order: at most SnapshotEvery-1.
	Events []Event
}

// Batch is one command's append: its events, as the versions after
// Expected, and the snapshots they reach.
type Batch struct {
	Stream   string
	Expected int64
	Events   []Event
	// CommandID is recorded as applied to the stream, with Fingerprint, the
	// fingerprint of the request, beside it.
	CommandID   string
	Fingerprint Fingerprint
	// Snapshots holds the state at each event of Events whose version is
	// SnapshotDue, in order, and nothing else.
	Snapshots []Snapshot
}

// Appended is the result of a successful Append.
type Appended struct {
	// Events are the events as stored, with RecordedAt set. For a duplicate
	// command they are the events stored the first time.
	Events []Event
	// Duplicate reports that the command id had already been applied, so
	// nothing was written.
	Duplicate bool
}

// EventStore is the append-only log of every stream's events, of the
// snapshots the tasks compute, and of the command ids applied. It knows no
// domain: event data and snapshot states are opaque JSON.
//
// Implementations are safe for concurrent use. Every method returns an
// *Error: InvalidArgument for bad input, StoreUnavailable when the store
// cannot be used, Throttled when it asks the caller to slow down.
type EventStore interface {
	// Append atomically stores the batch's events and snapshots and records
	// its command id as applied to the stream. Each event must carry the
	// stream, the next version, the command id and an id made by EventID.
	//
	// If the command id was already applied to the stream, Append writes
	// nothing: when the stored fingerprint and the batch's differ
	// (SameRequest) it returns IdempotencyKeyReused, and otherwise the
	// events stored the first time, with Duplicate set. The check is made
	// against what the winning write stored, so of two different requests
	// racing with one command id only one is applied. Otherwise, if any
	// version after Expected is taken, it returns VersionConflict. A batch
	// that fails CheckBatch returns InvalidArgument or EventTooLarge, and
	// nothing is written.
	Append(ctx context.Context, b Batch) (Appended, error)

	// Load returns the latest snapshot and the events after it. A stream
	// with no events gives an empty History and no error.
	Load(ctx context.Context, stream string) (History, error)

	// Command returns the events that commandID produced on stream, as
	// stored, or nil when that command was never applied to the stream.
	// When fp is not "" and the command was recorded with a different
	// fingerprint, it returns IdempotencyKeyReused instead.
	Command(ctx context.Context, stream, commandID string, fp Fingerprint) ([]Event, error)

	// Snapshot returns the latest snapshot at or before version, or the
	// zero Snapshot when there is none.
	Snapshot(ctx context.Context, stream string, version int64) (Snapshot, error)

	// Read returns up to limit events of stream, in order, starting at
	// version from (at least 1). limit must be between 1 and MaxReadLimit.
	Read(ctx context.Context, stream string, from int64, limit int) ([]Event, error)

	// Streams returns up to limit stream ids that have events, in ascending
	// byte order, starting after the id after ("" for the first page). It
	// is the stable scan used to rebuild read models.
	Streams(ctx context.Context, after string, limit int) ([]string, error)
}

// MaxReadLimit bounds the events one Read and the ids one Streams returns.
const MaxReadLimit = 1000

// StateStore is the read model: the precomputed current state of each
// stream. It only moves forward.
type StateStore interface {
	// Get returns the stored state of stream, or NotFound.
	Get(ctx context.Context, stream string) (Snapshot, error)

	// Put stores s as the state of stream only if the stored version is
	// below s.Version (or there is none). It reports whether s was stored;
	// a state that is not newer is not an error.
	Put(ctx context.Context, stream string, s Snapshot) (bool, error)
}

// Publisher hands events to other consumers, at least once. Subscribers
// dedupe by Event.ID, which never changes.
type Publisher interface {
	// Publish sends evs in order. On failure it returns PublishFailed or
	// Throttled, and the caller may publish the same events again.
	Publish(ctx context.Context, evs []Event) error
}

// DeadLetter is a message that could not be processed, kept for a person
// or a redrive to deal with.
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
	// Get returns one message, or a NotFound *Error when no message has
	// that id.
	Get(ctx context.Context, id string) (DeadLetter, error)
	// Delete removes one message. Deleting a missing message is not an error.
	Delete(ctx context.Context, id string) error
}

// CheckSnapshot validates the arguments of StateStore.Put.
func CheckSnapshot(stream string, s Snapshot) error {
	switch {
	case !ValidID(stream):
		return Errorf(CodeInvalidArgument, "stream id %q must be 1 to %d letters, digits, '_', '.' or '-'", stream, MaxIDLength)
	case s.Version < 1:
		return Errorf(CodeInvalidArgument, "state of %s at version %d; versions start at 1", stream, s.Version)
	case !json.Valid(s.State):
		return Errorf(CodeInvalidArgument, "state of %s at version %d is not valid JSON", stream, s.Version)
	}
	return nil
}
