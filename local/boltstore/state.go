package boltstore

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Get implements events.StateStore: the snapshot last Put for stream, with
// its state as the caller's bytes. On a store opened WithoutSync it
// returns a state Put there at once, before the flusher has written it.
// Errors: InvalidArgument, NotFound, StoreUnavailable, Internal.
func (s *Store) Get(ctx context.Context, stream string) (events.Snapshot, error) {
	if err := checkStream(stream); err != nil {
		return events.Snapshot{}, err
	}
	if err := ctxError(ctx); err != nil {
		return events.Snapshot{}, err
	}
	if s.behind != nil {
		v, ok, err := s.behind.get(stream)
		switch {
		case err != nil:
			return events.Snapshot{}, err
		case ok:
			return decodeState(stream, v)
		}
	}
	var snap events.Snapshot
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		v := tx.Bucket(bucketState).Get([]byte(stream))
		if v == nil {
			return events.Errorf(events.CodeNotFound, "stream %s has no stored state", stream)
		}
		snap, err = decodeState(stream, v)
		return err
	})
	return snap, err
}

// Put implements events.StateStore: it stores snap, as it is, only when
// it is newer than the stored state, and reports whether it did. On a
// store opened normally, each Put is written through the group commit
// before it returns. On a store opened WithoutSync, Put is write-behind:
// it compares snap with the newest state held in memory (or, when there
// is none, in the file), records it in memory and returns; a flusher
// writes the pending states in one transaction, again keeping only newer
// ones, within about 10ms or as soon as 1024 streams are pending, and
// Close writes the rest. Once a flush has failed, every later Put fails
// with that StoreUnavailable error. Errors: InvalidArgument (see
// events.CheckSnapshot), StoreUnavailable, Internal.
func (s *Store) Put(ctx context.Context, stream string, snap events.Snapshot) (bool, error) {
	if err := events.CheckSnapshot(stream, snap); err != nil {
		return false, err
	}
	v, err := encodeSnapshot(snap)
	if err != nil {
		return false, err
	}
	if s.behind != nil {
		if err := ctxError(ctx); err != nil {
			return false, err
		}
		return s.putBehind(ctx, stream, snap.Version, v)
	}
	stored := false
	err = s.write(ctx, func(tx *bolt.Tx) error {
		stored = false
		b := tx.Bucket(bucketState)
		if old := b.Get([]byte(stream)); old != nil {
			prev, err := stateVersion(stream, old)
			if err != nil || prev >= snap.Version {
				return err
			}
		}
		stored = true
		return put(b, []byte(stream), v)
	})
	return stored && err == nil, err
}

// decodeState decodes the stored state of stream.
func decodeState(stream string, v []byte) (events.Snapshot, error) {
	snap, ok := decodeSnapshot(v)
	if !ok {
		return events.Snapshot{}, badState(stream)
	}
	return snap, nil
}

// stateVersion reads only the version of the stored state of stream.
func stateVersion(stream string, v []byte) (int64, error) {
	version, ok := snapshotVersion(v)
	if !ok {
		return 0, badState(stream)
	}
	return version, nil
}

func badState(stream string) error {
	return events.Errorf(events.CodeInternal, "stored state of %s cannot be decoded", stream)
}
