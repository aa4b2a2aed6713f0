package boltstore

import (
	"context"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Get implements events.StateStore. On a store opened WithoutSync it
// returns a state Put there at once, before the flusher has written it.
// Errors: InvalidArgument, AccountNotFound, StoreUnavailable, Internal.
func (s *Store) Get(ctx context.Context, account string) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	if err := ctxError(ctx); err != nil {
		return events.State{}, err
	}
	var st events.State
	if s.behind != nil {
		v, ok, err := s.behind.get(account)
		switch {
		case err != nil:
			return st, err
		case ok:
			return st, decodeState(account, v, &st)
		}
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketState).Get([]byte(account))
		if v == nil {
			return events.Errorf(events.CodeAccountNotFound, "account %s has no stored state", account)
		}
		return decodeState(account, v, &st)
	})
	return st, err
}

// Put implements events.StateStore: it stores st only when it is newer
// than the stored state, and reports whether it did. On a store opened
// normally, each Put is written through the group commit before it
// returns. On a store opened WithoutSync, Put is write-behind: it compares
// st with the newest state held in memory (or, when there is none, in the
// file), records it in memory and returns; a flusher writes the pending
// states in one transaction, again keeping only newer ones, within about
// 10ms or as soon as 1024 accounts are pending, and Close writes the rest.
// Once a flush has failed, every later Put fails with that
// StoreUnavailable error. Errors: InvalidArgument (a bad account or a
// version below 1), StoreUnavailable, Internal.
func (s *Store) Put(ctx context.Context, st events.State) (bool, error) {
	v, err := encodeState(st)
	if err != nil {
		return false, err
	}
	if s.behind != nil {
		if err := ctxError(ctx); err != nil {
			return false, err
		}
		return s.putBehind(ctx, st.Account, st.Version, v)
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

// encodeState checks st and returns its JSON.
func encodeState(st events.State) ([]byte, error) {
	if err := checkAccount(st.Account); err != nil {
		return nil, err
	}
	if st.Version < 1 {
		return nil, events.Errorf(events.CodeInvalidArgument, "state of %s has version %d; versions start at 1", st.Account, st.Version)
	}
	v, err := json.Marshal(st)
	if err != nil {
		return nil, events.Wrap(events.CodeInvalidArgument, err, "state of "+st.Account+" cannot be encoded")
	}
	return v, nil
}

func decodeState(account string, v []byte, st *events.State) error {
	if err := json.Unmarshal(v, st); err != nil {
		return events.Wrap(events.CodeInternal, err, "stored state of "+account+" cannot be decoded")
	}
	return nil
}
