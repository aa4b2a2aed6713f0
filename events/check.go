package events

import (
	"encoding/json"
)

// CheckBatch validates the argument of EventStore.Append, so that every
// adapter rejects the same input with the same error before writing. It
// does not look at the snapshots: a duplicate command is a duplicate
// whatever it carries, so a store calls CheckSnapshots once it knows the
// batch is new.
func CheckBatch(b Batch) error {
	switch {
	case !ValidID(b.Stream):
		return Errorf(CodeInvalidArgument, "stream id %q must be 1 to %d letters, digits, '_', '.' or '-'", b.Stream, MaxIDLength)
	case b.Expected < 0:
		return Errorf(CodeInvalidArgument, "expected version %d is negative", b.Expected)
	case len(b.Events) == 0:
		return Errorf(CodeInvalidArgument, "append to %s has no events", b.Stream)
	case !ValidID(b.CommandID):
		return Errorf(CodeInvalidArgument, "command id %q must be 1 to %d letters, digits, '_', '.' or '-'", b.CommandID, MaxIDLength)
	case len(b.Fingerprint) > MaxFingerprintLength:
		return Errorf(CodeInvalidArgument, "fingerprint of command %s is %d bytes; the limit is %d", b.CommandID, len(b.Fingerprint), MaxFingerprintLength)
	}
	for i, e := range b.Events {
		if err := checkEvent(b, b.Expected+int64(i)+1, e); err != nil {
			return err
		}
	}
	return nil
}

func checkEvent(b Batch, version int64, e Event) error {
	switch {
	case e.Stream != b.Stream || e.Version != version || e.ID != EventID(b.Stream, version):
		return Errorf(CodeInvalidArgument, "event %q must be %s at version %d", e.ID, EventID(b.Stream, version), version)
	case e.CommandID != b.CommandID:
		return Errorf(CodeInvalidArgument, "event %s carries command %q, not %q", e.ID, e.CommandID, b.CommandID)
	case e.Type == "":
		return Errorf(CodeInvalidArgument, "event %s has no type", e.ID)
	case e.SchemaVersion < 1:
		return Errorf(CodeInvalidArgument, "event %s has schema version %d; versions start at 1", e.ID, e.SchemaVersion)
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
	if len(e.Data)+len(e.Type)+envelopeBound <= MaxEventSize {
		return nil
	}
	b, err := e.AppendJSON(nil)
	if err != nil {
		return err
	}
	if len(b) > MaxEventSize {
		return Errorf(CodeEventTooLarge, "event %s is %d bytes; the limit is %d", e.ID, len(b), MaxEventSize)
	}
	return nil
}

// CheckSnapshots requires exactly one snapshot per event of the batch whose
// version is SnapshotDue, in order, each of valid JSON. It returns
// InvalidArgument otherwise.
func CheckSnapshots(b Batch) error {
	i := 0
	for _, e := range b.Events {
		if !SnapshotDue(e.Version) {
			continue
		}
		if i >= len(b.Snapshots) || b.Snapshots[i].Version != e.Version {
			return Errorf(CodeInvalidArgument, "append to %s reaches version %d and needs its snapshot", b.Stream, e.Version)
		}
		if !json.Valid(b.Snapshots[i].State) {
			return Errorf(CodeInvalidArgument, "the snapshot of %s at version %d is not valid JSON", b.Stream, e.Version)
		}
		i++
	}
	if i != len(b.Snapshots) {
		return Errorf(CodeInvalidArgument, "append to %s carries %d snapshots; its events are due %d", b.Stream, len(b.Snapshots), i)
	}
	return nil
}

// CheckRead validates the arguments of EventStore.Read.
func CheckRead(stream string, from int64, limit int) error {
	switch {
	case !ValidID(stream):
		return Errorf(CodeInvalidArgument, "stream id %q must be 1 to %d letters, digits, '_', '.' or '-'", stream, MaxIDLength)
	case from < 1:
		return Errorf(CodeInvalidArgument, "read from version %d; versions start at 1", from)
	case limit < 1 || limit > MaxReadLimit:
		return Errorf(CodeInvalidArgument, "read limit %d must be between 1 and %d", limit, MaxReadLimit)
	}
	return nil
}
