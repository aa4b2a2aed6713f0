package boltstore

import (
	"bytes"
	"context"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Load implements events.EventStore: the latest snapshot and at most
// SnapshotEvery-1 events after it, read in one transaction. Errors:
// InvalidArgument, StoreUnavailable, Internal.
func (s *Store) Load(ctx context.Context, account string) (events.History, error) {
	if err := checkAccount(account); err != nil {
		return events.History{}, err
	}
	var h events.History
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		h, err = loadHistory(tx, account)
		return err
	})
	return h, err
}

func loadHistory(tx *bolt.Tx, account string) (events.History, error) {
	snap, err := snapshotAt(tx, account, -1)
	if err != nil {
		return events.History{}, err
	}
	evs, err := readRange(tx, account, snap.Version+1, events.SnapshotEvery)
	return events.History{Snapshot: snap, Events: evs}, err
}

// snapshotAt returns the latest snapshot at or before version (the latest
// of all when version is negative), or the zero State.
func snapshotAt(tx *bolt.Tx, account string, version int64) (events.State, error) {
	k, v := floor(tx.Bucket(bucketSnapshots).Cursor(), account, version)
	if k == nil {
		return events.State{}, nil
	}
	var st events.State
	if err := json.Unmarshal(v, &st); err != nil {
		return events.State{}, events.Wrap(events.CodeInternal, err, "stored snapshot of "+account+" cannot be decoded")
	}
	return st, nil
}

// readRange returns up to limit events of account from version from on.
func readRange(tx *bolt.Tx, account string, from int64, limit int) ([]events.Event, error) {
	var out []events.Event
	var prev events.Event
	pre := prefix(account)
	c := tx.Bucket(bucketEvents).Cursor()
	for k, v := c.Seek(versionKey(account, from)); bytes.HasPrefix(k, pre) && len(out) < limit; k, v = c.Next() {
		e, err := decodeEvent(account, versionOf(account, k), v, &prev)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = make([]events.Event, 0, min(limit, 256))
		}
		out = append(out, e)
		prev = e
	}
	return out, nil
}

// Read implements events.EventStore. Errors: InvalidArgument (see
// events.CheckRead), StoreUnavailable, Internal.
func (s *Store) Read(ctx context.Context, account string, from int64, limit int) ([]events.Event, error) {
	if err := events.CheckRead(account, from, limit); err != nil {
		return nil, err
	}
	var out []events.Event
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = readRange(tx, account, from, limit)
		return err
	})
	return out, err
}

// Command implements events.EventStore. Errors: InvalidArgument,
// StoreUnavailable, Internal.
func (s *Store) Command(ctx context.Context, account, commandID string) ([]events.Event, error) {
	if err := checkAccount(account); err != nil {
		return nil, err
	}
	if !events.ValidID(commandID) {
		return nil, events.Errorf(events.CodeInvalidArgument, "command id %q must be 1 to %d letters, digits, '_', '.' or '-'", commandID, events.MaxIDLength)
	}
	var out []events.Event
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = commandEvents(tx, account, commandID)
		return err
	})
	return out, err
}

// Snapshot implements events.EventStore. Errors: InvalidArgument (a bad
// account or a negative version), StoreUnavailable, Internal.
func (s *Store) Snapshot(ctx context.Context, account string, version int64) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	if version < 0 {
		return events.State{}, events.Errorf(events.CodeInvalidArgument, "snapshot version %d is negative", version)
	}
	var st events.State
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		st, err = snapshotAt(tx, account, version)
		return err
	})
	return st, err
}

// Accounts implements events.EventStore: the distinct account prefixes of
// the events bucket, which bbolt keeps in ascending byte order. It seeks
// from one account to the next rather than reading every event. Errors:
// InvalidArgument (limit outside 1..MaxReadLimit), StoreUnavailable.
func (s *Store) Accounts(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 || limit > events.MaxReadLimit {
		return nil, events.Errorf(events.CodeInvalidArgument, "accounts limit %d must be between 1 and %d", limit, events.MaxReadLimit)
	}
	var out []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, _ := c.Seek(append([]byte(after), 1)); k != nil && len(out) < limit; {
			account := accountOf(k)
			out = append(out, account)
			k, _ = c.Seek(append([]byte(account), 1))
		}
		return nil
	})
	return out, err
}

func checkAccount(account string) error {
	if !events.ValidID(account) {
		return events.Errorf(events.CodeInvalidArgument, "account id %q must be 1 to %d letters, digits, '_', '.' or '-'", account, events.MaxIDLength)
	}
	return nil
}
