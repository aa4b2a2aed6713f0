package boltstore

import (
	"context"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Get implements events.StateStore. Errors: InvalidArgument,
// AccountNotFound, StoreUnavailable, Internal.
func (s *Store) Get(ctx context.Context, account string) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	var st events.State
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketState).Get([]byte(account))
		if v == nil {
			return events.Errorf(events.CodeAccountNotFound, "account %s has no stored state", account)
		}
		return decodeState(account, v, &st)
	})
	return st, err
}

// Put implements events.StateStore through the group commit: it stores st
// only when it is newer than the stored state. Errors: InvalidArgument (a
// bad account or a version below 1), StoreUnavailable, Internal.
func (s *Store) Put(ctx context.Context, st events.State) (bool, error) {
	if err := checkAccount(st.Account); err != nil {
		return false, err
	}
	if st.Version < 1 {
		return false, events.Errorf(events.CodeInvalidArgument, "state of %s has version %d; versions start at 1", st.Account, st.Version)
	}
	v, err := json.Marshal(st)
	if err != nil {
		return false, events.Wrap(events.CodeInvalidArgument, err, "state of "+st.Account+" cannot be encoded")
	}
	stored := false
	err = s.write(ctx, func(tx *bolt.Tx) error {
		stored = false
		b := tx.Bucket(bucketState)
		if old := b.Get([]byte(st.Account)); old != nil {
			var prev events.State
			if err := decodeState(st.Account, old, &prev); err != nil || prev.Version >= st.Version {
				return err
			}
		}
		stored = true
		return put(b, []byte(st.Account), v)
	})
	return stored && err == nil, err
}

func decodeState(account string, v []byte, st *events.State) error {
	if err := json.Unmarshal(v, st); err != nil {
		return events.Wrap(events.CodeInternal, err, "stored state of "+account+" cannot be decoded")
	}
	return nil
}
