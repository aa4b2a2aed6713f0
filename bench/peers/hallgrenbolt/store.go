// Package hallgrenbolt is an event store for hallgren/eventsourcing on
// bbolt, written against the library's core interfaces (core.EventStore,
// core.Iterator) because the library's own bbolt module cannot be fetched
// here. It is built the way that module is: one bucket of events per
// aggregate keyed by an 8-byte big-endian sequence, a global bucket
// holding every event in the order saved, each event JSON-encoded, and
// every Save one bbolt read-write transaction, so one fsynced commit, that
// checks the aggregate's last version before it writes.
package hallgrenbolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hallgren/eventsourcing/core"
	bolt "go.etcd.io/bbolt"
)

var globalBucket = []byte("global_event_order")

// Store is a core.EventStore in one bbolt file.
type Store struct {
	db *bolt.DB
}

var _ core.EventStore = (*Store)(nil)

// Open opens or creates the store at path.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(globalBucket)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// record is an event as stored.
type record struct {
	AggregateID   string
	Version       uint64
	GlobalVersion uint64
	Reason        string
	AggregateType string
	Timestamp     time.Time
	Data          []byte
	Metadata      []byte
}

// Save appends events, all of one aggregate, in one transaction. The
// first must follow the aggregate's last saved version, or Save returns
// core.ErrConcurrency and writes nothing. It sets each event's
// GlobalVersion.
func (s *Store) Save(evs []core.Event) error {
	if len(evs) == 0 {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketName(evs[0].AggregateType, evs[0].AggregateID))
		if err != nil {
			return err
		}
		if err := checkVersions(b, evs); err != nil {
			return err
		}
		return put(tx.Bucket(globalBucket), b, evs)
	})
}

// checkVersions reads the aggregate's last version and checks that evs
// continue it one by one.
func checkVersions(b *bolt.Bucket, evs []core.Event) error {
	var last core.Version
	if _, v := b.Cursor().Last(); v != nil {
		var r struct{ Version uint64 }
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("hallgrenbolt: last event: %w", err)
		}
		last = core.Version(r.Version)
	}
	for i, e := range evs {
		if e.AggregateID != evs[0].AggregateID || e.AggregateType != evs[0].AggregateType {
			return fmt.Errorf("hallgrenbolt: events of more than one aggregate in one Save")
		}
		if e.Version != last+core.Version(i)+1 {
			return core.ErrConcurrency
		}
	}
	return nil
}

// put writes each event under the aggregate's next sequence and the
// global one.
func put(global, b *bolt.Bucket, evs []core.Event) error {
	for i := range evs {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		gseq, err := global.NextSequence()
		if err != nil {
			return err
		}
		e := &evs[i]
		e.GlobalVersion = core.Version(gseq)
		v, err := json.Marshal(record{
			AggregateID: e.AggregateID, Version: uint64(e.Version), GlobalVersion: gseq, Reason: e.Reason,
			AggregateType: e.AggregateType, Timestamp: e.Timestamp, Data: e.Data, Metadata: e.Metadata,
		})
		if err != nil {
			return err
		}
		if err := b.Put(key(seq), v); err != nil {
			return err
		}
		if err := global.Put(key(gseq), v); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the aggregate's events after afterVersion, in order, read
// in one read-only transaction that Close ends.
func (s *Store) Get(ctx context.Context, id, aggregateType string, afterVersion core.Version) (core.Iterator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tx, err := s.db.Begin(false)
	if err != nil {
		return nil, err
	}
	it := &iterator{tx: tx}
	if b := tx.Bucket(bucketName(aggregateType, id)); b != nil {
		it.c = b.Cursor()
		it.k, it.v = it.c.Seek(key(uint64(afterVersion) + 1))
		it.first = true
	}
	return it, nil
}

// iterator walks one aggregate's bucket.
type iterator struct {
	tx    *bolt.Tx
	c     *bolt.Cursor
	k, v  []byte
	first bool
	cur   core.Event
	err   error
}

// Next moves to the next event and says whether there is one.
func (it *iterator) Next() bool {
	if it.c == nil {
		return false
	}
	if !it.first {
		it.k, it.v = it.c.Next()
	}
	it.first = false
	if it.k == nil {
		return false
	}
	var r record
	if it.err = json.Unmarshal(it.v, &r); it.err != nil {
		return true
	}
	it.cur = core.Event{
		AggregateID: r.AggregateID, Version: core.Version(r.Version), GlobalVersion: core.Version(r.GlobalVersion),
		AggregateType: r.AggregateType, Timestamp: r.Timestamp, Reason: r.Reason, Data: r.Data, Metadata: r.Metadata,
	}
	return true
}

// Value returns the current event, or the error decoding it.
func (it *iterator) Value() (core.Event, error) { return it.cur, it.err }

// Close ends the read transaction.
func (it *iterator) Close() { _ = it.tx.Rollback() }

func bucketName(aggregateType, id string) []byte { return []byte(aggregateType + "_" + id) }

func key(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
