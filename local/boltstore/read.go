package boltstore

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Load implements events.EventStore: the latest snapshot and at most
// SnapshotEvery-1 events after it, read in one transaction. Errors:
// InvalidArgument, StoreUnavailable, Internal.
func (s *Store) Load(ctx context.Context, stream string) (events.History, error) {
	if err := checkStream(stream); err != nil {
		return events.History{}, err
	}
	var h events.History
	err := s.read(ctx, func(v *view) (err error) {
		h, err = loadHistory(v, stream)
		return err
	})
	return h, err
}

func loadHistory(v *view, stream string) (events.History, error) {
	snap, err := snapshotAt(v, stream, -1)
	if err != nil {
		return events.History{}, err
	}
	evs, err := readRange(v, stream, snap.Version+1, events.SnapshotEvery)
	return events.History{Snapshot: snap, Events: evs}, err
}

// snapshotAt returns the latest snapshot at or before version (the latest
// of all when version is negative), or the zero Snapshot.
func snapshotAt(v *view, stream string, version int64) (events.Snapshot, error) {
	k, val := floor(v.tx.Bucket(bucketSnapshots).Cursor(), stream, version)
	at := versionOf(stream, k)
	for _, e := range v.entries(stream) {
		for _, sn := range e.snaps {
			if version < 0 || sn.version <= version {
				val, at = sn.value, sn.version
			}
		}
	}
	if val == nil {
		return events.Snapshot{}, nil
	}
	snap, ok := decodeSnapshot(val)
	if !ok || snap.Version != at {
		return events.Snapshot{}, events.Errorf(events.CodeInternal, "stored snapshot of %s at version %d cannot be decoded", stream, at)
	}
	return snap, nil
}

// readRange returns up to limit events of stream from version from on:
// those in the file, then those in the log's tail.
func readRange(v *view, stream string, from int64, limit int) ([]events.Event, error) {
	r := ranger{stream: stream, next: from, limit: limit}
	pre := prefix(stream)
	c := v.tx.Bucket(bucketEvents).Cursor()
	for k, val := c.Seek(versionKey(stream, from)); bytes.HasPrefix(k, pre) && !r.full(); k, val = c.Next() {
		if err := r.add(versionOf(stream, k), val); err != nil {
			return nil, err
		}
	}
	for _, e := range v.entries(stream) {
		for i, val := range e.enc {
			if version := e.first + int64(i); version >= r.next && !r.full() {
				if err := r.add(version, val); err != nil {
					return nil, err
				}
			}
		}
	}
	return r.out, nil
}

// ranger collects the events of one readRange.
type ranger struct {
	stream string
	next   int64 // the version it needs next
	limit  int
	out    []events.Event
	prev   events.Event
	types  names
}

func (r *ranger) full() bool { return len(r.out) >= r.limit }

func (r *ranger) add(version int64, val []byte) error {
	e, err := decodeEvent(r.stream, version, val, &r.prev, &r.types)
	if err != nil {
		return err
	}
	if r.out == nil {
		r.out = make([]events.Event, 0, min(r.limit, 256))
	}
	r.out = append(r.out, e)
	r.prev = e
	r.next = version + 1
	return nil
}

// Read implements events.EventStore. Errors: InvalidArgument (see
// events.CheckRead), StoreUnavailable, Internal.
func (s *Store) Read(ctx context.Context, stream string, from int64, limit int) ([]events.Event, error) {
	if err := events.CheckRead(stream, from, limit); err != nil {
		return nil, err
	}
	var out []events.Event
	err := s.read(ctx, func(v *view) (err error) {
		out, err = readRange(v, stream, from, limit)
		return err
	})
	return out, err
}

// Command implements events.EventStore. Errors: InvalidArgument,
// IdempotencyKeyReused, StoreUnavailable, Internal.
func (s *Store) Command(ctx context.Context, stream, commandID string, fp events.Fingerprint) ([]events.Event, error) {
	if err := checkStream(stream); err != nil {
		return nil, err
	}
	if err := events.CheckID(events.CodeInvalidArgument, "command id", commandID); err != nil {
		return nil, err
	}
	var out []events.Event
	err := s.read(ctx, func(v *view) (err error) {
		out, err = commandEvents(v, stream, commandID, fp)
		return err
	})
	return out, err
}

// Snapshot implements events.EventStore. Errors: InvalidArgument (a bad
// stream or a negative version), StoreUnavailable, Internal.
func (s *Store) Snapshot(ctx context.Context, stream string, version int64) (events.Snapshot, error) {
	if err := checkStream(stream); err != nil {
		return events.Snapshot{}, err
	}
	if version < 0 {
		return events.Snapshot{}, events.Errorf(events.CodeInvalidArgument, "snapshot version %d is negative", version)
	}
	var st events.Snapshot
	err := s.read(ctx, func(v *view) (err error) {
		st, err = snapshotAt(v, stream, version)
		return err
	})
	return st, err
}

// Streams implements events.EventStore: the distinct stream prefixes of
// the events bucket, which bbolt keeps in ascending byte order. It seeks
// from one stream to the next rather than reading every event. Errors:
// InvalidArgument (limit outside 1..MaxReadLimit), StoreUnavailable.
func (s *Store) Streams(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 || limit > events.MaxReadLimit {
		return nil, events.Errorf(events.CodeInvalidArgument, "streams limit %d must be between 1 and %d", limit, events.MaxReadLimit)
	}
	var out []string
	err := s.read(ctx, func(v *view) error {
		out = mergeSorted(fileStreams(v.tx, after, limit), v.streams(after), limit)
		return nil
	})
	return out, err
}

// fileStreams returns up to limit streams after after in the file.
func fileStreams(tx *bolt.Tx, after string, limit int) []string {
	var out []string
	c := tx.Bucket(bucketEvents).Cursor()
	for k, _ := c.Seek(append([]byte(after), 1)); k != nil && len(out) < limit; {
		stream := streamOf(k)
		out = append(out, stream)
		k, _ = c.Seek(append([]byte(stream), 1))
	}
	return out
}

// mergeSorted merges two ascending lists without repeats, up to limit.
func mergeSorted(a, b []string, limit int) []string {
	var out []string
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return out
}

func checkStream(stream string) error {
	return events.CheckID(events.CodeInvalidArgument, "stream id", stream)
}
