package boltstore

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Append implements events.EventStore. It validates with events.CheckAppend
// before queueing, and inside the group commit checks the command id (and
// the fingerprint recorded with it), then the version, then writes the
// events, the command record and any snapshot the events reach. Errors:
// InvalidArgument, EventTooLarge, IdempotencyKeyReused, VersionConflict,
// StoreUnavailable, Internal (a stored value that cannot be decoded).
func (s *Store) Append(ctx context.Context, account string, expected int64, evs []events.Event, commandID string, fp events.Fingerprint) (events.Appended, error) {
	if err := events.CheckAppend(account, expected, evs, commandID, fp); err != nil {
		return events.Appended{}, err
	}
	a := appendOp{account: account, expected: expected, evs: slices.Clone(evs), commandID: commandID, fp: fp, now: s.now}
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
	account   string
	expected  int64
	evs       []events.Event
	commandID string
	fp        events.Fingerprint
	now       func() time.Time
	result    events.Appended
}

func (a *appendOp) run(v *view) error {
	a.result = events.Appended{}
	if prior, err := commandEvents(v, a.account, a.commandID, a.fp); err != nil || prior != nil {
		a.result = events.Appended{Events: prior, Duplicate: true}
		return err
	}
	last, lastAt, err := head(v, a.account)
	if err != nil {
		return err
	}
	if last != a.expected {
		return events.Errorf(events.CodeVersionConflict, "account %s is at version %d, not the expected %d", a.account, last, a.expected)
	}
	stamp(a.evs, a.now().UTC(), lastAt)
	e, err := a.entry(v)
	if err != nil {
		return err
	}
	if err := v.add(e); err != nil {
		return err
	}
	a.result = events.Appended{Events: a.evs}
	return nil
}

// entry encodes a.evs and the snapshots they reach, before anything is
// written, so that a failure writes nothing.
func (a *appendOp) entry(v *view) (*entry, error) {
	snaps, err := a.snapshots(v)
	if err != nil {
		return nil, err
	}
	e := &entry{account: a.account, commandID: a.commandID, fingerprint: a.fp, first: a.expected + 1, snaps: make([]storedSnapshot, len(snaps))}
	if e.enc, err = encodeAll(a.evs); err != nil {
		return nil, err
	}
	for i, st := range snaps {
		val, err := json.Marshal(st)
		if err != nil {
			return nil, events.Wrap(events.CodeInternal, err, "cannot encode the snapshot of "+a.account)
		}
		e.snaps[i] = storedSnapshot{version: st.Version, value: val}
	}
	return e, nil
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
func head(v *view, account string) (int64, time.Time, error) {
	if es := v.entries(account); len(es) > 0 {
		e := es[len(es)-1]
		at, err := recordedAt(account, e.last(), e.enc[len(e.enc)-1])
		return e.last(), at, err
	}
	k, val := lastOf(v.tx.Bucket(bucketEvents).Cursor(), account)
	if k == nil {
		return 0, time.Time{}, nil
	}
	version := versionOf(account, k)
	at, err := recordedAt(account, version, val)
	return version, at, err
}

// snapshots folds the states due a snapshot among a.evs, from the history
// as this transaction sees it.
func (a *appendOp) snapshots(v *view) ([]events.State, error) {
	last := a.expected + int64(len(a.evs))
	if a.expected/events.SnapshotEvery == last/events.SnapshotEvery {
		return nil, nil
	}
	h, err := loadHistory(v, a.account)
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

// commandEvents returns the events commandID wrote on account, or nil.
// When the command was recorded for a request whose fingerprint is not fp,
// it returns IdempotencyKeyReused (see events.SameRequest).
func commandEvents(v *view, account, commandID string, fp events.Fingerprint) ([]events.Event, error) {
	first, n, stored, err := commandRecord(v, account, commandID)
	if err != nil || n == 0 {
		return nil, err
	}
	if err := events.SameRequest(account, commandID, stored, fp); err != nil {
		return nil, err
	}
	return readRange(v, account, first, n)
}

// commandRecord returns the first version and the number of events of
// commandID on account, and the fingerprint recorded with it, from the
// commands bucket or the entries logged since the last checkpoint; n is 0
// when the command was never applied.
func commandRecord(v *view, account, commandID string) (first int64, n int, fp events.Fingerprint, err error) {
	val := v.tx.Bucket(bucketCommands).Get(commandKey(account, commandID))
	if val == nil {
		for _, e := range v.entries(account) {
			if e.commandID == commandID {
				return e.first, len(e.enc), e.fingerprint, nil
			}
		}
		return 0, 0, "", nil
	}
	first, last, fp, ok := decodeCommand(val)
	if !ok {
		return 0, 0, "", events.Errorf(events.CodeInternal, "stored command %s of %s cannot be decoded", commandID, account)
	}
	return first, int(last - first + 1), fp, nil
}
