package boltstore

import (
	"errors"
	"os"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/stepfold/stepfold/events"
)

// WithoutSync makes commits skip fsync, for data that can be rebuilt from
// elsewhere, such as a read model folded from the event log. A commit is
// then as cheap as a write to the page cache, and Put becomes
// write-behind: it records the state in memory, where Get sees it at once,
// and a flusher goroutine writes the pending states in one transaction
// within about 10ms (sooner when 1024 streams are pending). Close writes
// what is still pending. Only a clean Close makes the file durable: a
// store that was not closed cleanly (the process was killed, the machine
// lost power, a flush failed) may hold torn pages or lack states Put
// reported as stored, so Open discards it and starts empty, and
// Store.Discarded says so. Never use it for the event log.
func WithoutSync() Option {
	return func(c *config) error {
		c.noSync = true
		return nil
	}
}

// bucketMeta holds the clean-close mark of a store opened WithoutSync.
var (
	bucketMeta = []byte("meta")
	keyClean   = []byte("closed-cleanly")
)

// Discarded reports whether Open found the file of a store opened
// WithoutSync unusable (not closed cleanly, or corrupt) and started empty.
func (s *Store) Discarded() bool { return s.discarded }

// openUnsynced opens path for WithoutSync: it keeps the file only if its
// last Close was clean, then clears the mark with synced commits, so that
// any state the file can be found in after a crash lacks it.
func openUnsynced(path string, opts *bolt.Options) (db *bolt.DB, discarded bool, err error) {
	db, err = bolt.Open(path, 0o600, opts)
	if isCorrupt(err) {
		db, err = reopenEmpty(path, opts)
		return db, true, err
	}
	if err != nil {
		return nil, false, err
	}
	if !closedCleanly(db) {
		_ = db.Close()
		db, err = reopenEmpty(path, opts)
		if err != nil {
			return nil, true, err
		}
		discarded = true
	}
	return db, discarded, clearCleanMark(db)
}

func isCorrupt(err error) bool {
	return errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch)
}

// reopenEmpty replaces the file at path with a new one.
func reopenEmpty(path string, opts *bolt.Options) (*bolt.DB, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return bolt.Open(path, 0o600, opts)
}

// closedCleanly reports whether the file holds the clean-close mark, or
// is new (has no buckets at all).
func closedCleanly(db *bolt.DB) bool {
	clean, empty := false, true
	_ = db.View(func(tx *bolt.Tx) error {
		empty = tx.Bucket(bucketEvents) == nil
		if b := tx.Bucket(bucketMeta); b != nil {
			clean = b.Get(keyClean) != nil
		}
		return nil
	})
	return clean || empty
}

// clearCleanMark deletes the mark in two synced commits, one per bbolt
// meta page, so that neither meta page can lead back to a marked state.
func clearCleanMark(db *bolt.DB) error {
	db.NoSync = false
	defer func() { db.NoSync = true }()
	for range 2 {
		err := db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			return b.Delete(keyClean)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// markClean writes the clean-close mark and syncs the file, so that the
// next Open keeps what this store wrote.
func (s *Store) markClean() error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyClean, []byte{1})
	})
	if err == nil {
		err = s.db.Sync()
	}
	if err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "cannot mark "+s.path+" as closed cleanly")
	}
	return nil
}
