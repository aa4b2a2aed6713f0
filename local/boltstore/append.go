package boltstore

import (
	"context"
	"slices"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Append implements events.EventStore. It validates with events.CheckBatch
// and encodes the snapshots before queueing, and inside the group commit
// checks the command id (and the fingerprint recorded with it), then the
// snapshots (events.CheckSnapshots), then the version, then writes the
// events, the command record and the snapshots, as the caller computed
// them. Errors: InvalidArgument, EventTooLarge, IdempotencyKeyReused,
// VersionConflict, StoreUnavailable, Internal (a stored value that cannot
// be decoded).
func (s *Store) Append(ctx context.Context, b events.Batch) (events.Appended, error) {
	if err := events.CheckBatch(b); err != nil {
		return events.Appended{}, err
	}
	b.Events = slices.Clone(b.Events) // RecordedAt is stamped on the copy
	a := appendOp{b: b, now: s.now}
	a.snaps, a.bad = storedSnapshots(b)
	g := &s.group
	if s.log != nil {
		g = &s.log.group
	}
	if err := s.commitIn(ctx, g, a.run); err != nil {
		return events.Appended{}, err
	}
	return a.result, nil
}

// appendOp is one Append inside a group commit.
type appendOp struct {
	b     events.Batch
	snaps []storedSnapshot
	// bad is why the batch cannot be a new append (its snapshots fail
	// CheckSnapshots or do not encode). A duplicate is a duplicate
	// whatever it carries, so bad counts only once the command id is new.
	bad    error
	now    func() time.Time
	result events.Appended
}

func (a *appendOp) run(v *view) error {
	b := a.b
	a.result = events.Appended{}
	if prior, err := commandEvents(v, b.Stream, b.CommandID, b.Fingerprint); err != nil || prior != nil {
		a.result = events.Appended{Events: prior, Duplicate: true}
		return err
	}
	if a.bad != nil {
		return a.bad
	}
	last, lastAt, err := head(v, b.Stream)
	if err != nil {
		return err
	}
	if last != b.Expected {
		return events.Errorf(events.CodeVersionConflict, "stream %s is at version %d, not the expected %d", b.Stream, last, b.Expected)
	}
	stamp(b.Events, a.now().UTC(), lastAt)
	enc, err := encodeAll(b.Events)
	if err != nil {
		return err
	}
	e := &entry{stream: b.Stream, commandID: b.CommandID, fingerprint: b.Fingerprint, first: b.Expected + 1, enc: enc, snaps: a.snaps}
	if err := v.add(e); err != nil {
		return err
	}
	a.result = events.Appended{Events: b.Events}
	return nil
}

// storedSnapshots checks the batch's snapshots and returns their stored
// forms, or why they cannot be stored.
func storedSnapshots(b events.Batch) ([]storedSnapshot, error) {
	if err := events.CheckSnapshots(b); err != nil {
		return nil, err
	}
	out := make([]storedSnapshot, len(b.Snapshots))
	for i, sn := range b.Snapshots {
		val, err := encodeSnapshot(sn)
		if err != nil {
			return nil, err
		}
		out[i] = storedSnapshot{version: sn.Version, value: val}
	}
	return out, nil
}

// stamp sets RecordedAt on evs to now, or to the stream's previous
// RecordedAt if the clock went back.
func stamp(evs []events.Event, now, prev time.Time) {
	if now.Before(prev) {
		now = prev
	}
	for i := range evs {
		evs[i].RecordedAt = now
	}
}

// head returns the stream's last version and its RecordedAt, or 0 and the
// zero time for a stream with no events.
func head(v *view, stream string) (int64, time.Time, error) {
	if es := v.entries(stream); len(es) > 0 {
		e := es[len(es)-1]
		at, err := recordedAt(stream, e.last(), e.enc[len(e.enc)-1])
		return e.last(), at, err
	}
	k, val := lastOf(v.tx.Bucket(bucketEvents).Cursor(), stream)
	if k == nil {
		return 0, time.Time{}, nil
	}
	version := versionOf(stream, k)
	at, err := recordedAt(stream, version, val)
	return version, at, err
}

// encodeAll returns the stored forms of evs, computed before any write so
// that an encoding failure writes nothing.
func encodeAll(evs []events.Event) ([][]byte, error) {
	out := make([][]byte, len(evs))
	for i, e := range evs {
		v, err := encodeEvent(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// commandEvents returns the events commandID wrote on stream, or nil.
// When the command was recorded for a request whose fingerprint is not fp,
// it returns IdempotencyKeyReused (see events.SameRequest).
func commandEvents(v *view, stream, commandID string, fp events.Fingerprint) ([]events.Event, error) {
	first, n, stored, err := commandRecord(v, stream, commandID)
	if err != nil || n == 0 {
		return nil, err
	}
	if err := events.SameRequest(stream, commandID, stored, fp); err != nil {
		return nil, err
	}
	return readRange(v, stream, first, n)
}

// commandRecord returns the first version and the number of events of
// commandID on stream, and the fingerprint recorded with it, from the
// commands bucket or the entries logged since the last checkpoint; n is 0
// when the command was never applied.
func commandRecord(v *view, stream, commandID string) (first int64, n int, fp events.Fingerprint, err error) {
	val := v.tx.Bucket(bucketCommands).Get(commandKey(stream, commandID))
	if val == nil {
		for _, e := range v.entries(stream) {
			if e.commandID == commandID {
				return e.first, len(e.enc), e.fingerprint, nil
			}
		}
		return 0, 0, "", nil
	}
	first, last, fp, ok := decodeCommand(val)
	if !ok {
		return 0, 0, "", events.Errorf(events.CodeInternal, "stored command %s of %s cannot be decoded", commandID, stream)
	}
	return first, int(last - first + 1), fp, nil
}
