package boltstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Append implements events.EventStore. It validates with events.CheckAppend
// before queueing, and inside the group commit checks the command id, then
// the version, then writes the events, the command record and any snapshot
// the events reach. Errors: InvalidArgument, EventTooLarge, VersionConflict,
// StoreUnavailable, Internal (a stored value that cannot be decoded).
func (s *Store) Append(ctx context.Context, account string, expected int64, evs []events.Event, commandID string) (events.Appended, error) {
	if err := events.CheckAppend(account, expected, evs, commandID); err != nil {
		return events.Appended{}, err
	}
	a := appendOp{account: account, expected: expected, evs: slices.Clone(evs), commandID: commandID, now: s.now}
	if err := s.write(ctx, a.run); err != nil {
		return events.Appended{}, err
	}
	return a.result, nil
}

// appendOp is one Append inside a group commit.
type appendOp struct {
	account   string
	expected  int64
	evs       []events.Event
	commandID string
	now       func() time.Time
	result    events.Appended
}

func (a *appendOp) run(tx *bolt.Tx) error {
	a.result = events.Appended{}
	if prior, err := commandEvents(tx, a.account, a.commandID); err != nil || prior != nil {
		a.result = events.Appended{Events: prior, Duplicate: true}
		return err
	}
	last, lastAt, err := head(tx, a.account)
	if err != nil {
		return err
	}
	if last != a.expected {
		return events.Errorf(events.CodeVersionConflict, "account %s is at version %d, not the expected %d", a.account, last, a.expected)
	}
	stamp(a.evs, a.now().UTC(), lastAt)
	snaps, err := a.snapshots(tx)
	if err != nil {
		return err
	}
	enc, err := encodeAll(a.evs)
	if err != nil {
		return err
	}
	return a.writeAll(tx, enc, snaps)
}

// stamp sets RecordedAt on evs to now, or to the account's previous
// RecordedAt if the clock went back.
func stamp(evs []events.Event, now, prev time.Time) {
	if now.Before(prev) {
		now = prev
	}
	for i := range evs {
		evs[i].RecordedAt = now
	}
}

// head returns the account's last version and its RecordedAt, or 0 and the
// zero time for an account with no events.
func head(tx *bolt.Tx, account string) (int64, time.Time, error) {
	k, v := lastOf(tx.Bucket(bucketEvents).Cursor(), account)
	if k == nil {
		return 0, time.Time{}, nil
	}
	version := versionOf(account, k)
	at, err := recordedAt(account, version, v)
	return version, at, err
}

// snapshots folds the states due a snapshot among a.evs, from the history
// as this transaction sees it.
func (a *appendOp) snapshots(tx *bolt.Tx) ([]events.State, error) {
	last := a.expected + int64(len(a.evs))
	if a.expected/events.SnapshotEvery == last/events.SnapshotEvery {
		return nil, nil
	}
	h, err := loadHistory(tx, a.account)
	if err != nil {
		return nil, err
	}
	snaps, err := events.Snapshots(h, a.evs)
	if err != nil {
		return nil, events.Wrap(events.CodeInternal, err, "cannot fold the snapshot of "+a.account)
	}
	return snaps, nil
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

func (a *appendOp) writeAll(tx *bolt.Tx, enc [][]byte, snaps []events.State) error {
	evb := tx.Bucket(bucketEvents)
	for i, e := range a.evs {
		if err := put(evb, versionKey(a.account, e.Version), enc[i]); err != nil {
			return err
		}
	}
	if err := writeSnapshots(tx, a.account, snaps); err != nil {
		return err
	}
	if err := a.writeCommand(tx); err != nil {
		return err
	}
	a.result = events.Appended{Events: a.evs}
	return nil
}

func writeSnapshots(tx *bolt.Tx, account string, snaps []events.State) error {
	if len(snaps) == 0 {
		return nil
	}
	b := tx.Bucket(bucketSnapshots)
	for _, st := range snaps {
		v, err := json.Marshal(st)
		if err != nil {
			return &writeFailure{err}
		}
		if err := put(b, versionKey(account, st.Version), v); err != nil {
			return err
		}
	}
	return nil
}

func (a *appendOp) writeCommand(tx *bolt.Tx) error {
	first, last := a.expected+1, a.expected+int64(len(a.evs))
	v := binary.BigEndian.AppendUint64(key(first), uint64(last))
	return put(tx.Bucket(bucketCommands), commandKey(a.account, a.commandID), v)
}

// commandEvents returns the events commandID wrote on account, or nil.
func commandEvents(tx *bolt.Tx, account, commandID string) ([]events.Event, error) {
	v := tx.Bucket(bucketCommands).Get(commandKey(account, commandID))
	if v == nil {
		return nil, nil
	}
	if len(v) != 16 {
		return nil, events.Errorf(events.CodeInternal, "stored command %s of %s cannot be decoded", commandID, account)
	}
	first, last := keyInt(v[:8]), keyInt(v[8:])
	return readRange(tx, account, first, int(last-first+1))
}
