package boltstore

import (
	"context"
	"encoding/json"
	"slices"
	"time"

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
	now       func() time.Time
	result    events.Appended
}

func (a *appendOp) run(v *view) error {
	a.result = events.Appended{}
	if prior, err := commandEvents(v, a.account, a.commandID); err != nil || prior != nil {
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
	e := &entry{account: a.account, commandID: a.commandID, first: a.expected + 1, snaps: make([]storedSnapshot, len(snaps))}
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
func commandEvents(v *view, account, commandID string) ([]events.Event, error) {
	val := v.tx.Bucket(bucketCommands).Get(commandKey(account, commandID))
	if val == nil {
		for _, e := range v.entries(account) {
			if e.commandID == commandID {
				return readRange(v, account, e.first, len(e.enc))
			}
		}
		return nil, nil
	}
	if len(val) != 16 {
		return nil, events.Errorf(events.CodeInternal, "stored command %s of %s cannot be decoded", commandID, account)
	}
	first, last := keyInt(val[:8]), keyInt(val[8:])
	return readRange(v, account, first, int(last-first+1))
}
