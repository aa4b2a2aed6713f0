package boltstore

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/stepfold/stepfold/events"
)

// Compile-time checks that Store implements the ports.
var (
	_ events.EventStore  = (*Store)(nil)
	_ events.StateStore  = (*Store)(nil)
	_ events.DeadLetters = (*Queue)(nil)
)

// Top-level bucket names; see the package doc for the layout.
var (
	bucketEvents    = []byte("events")
	bucketSnapshots = []byte("snapshots")
	bucketCommands  = []byte("commands")
	bucketState     = []byte("state")
	bucketDLQ       = []byte("dlq")
)

// Store is an event store, read model and dead-letter queue in one bbolt
// file. It is safe for concurrent use. Build it with Open.
type Store struct {
	db        *bolt.DB
	path      string
	now       func() time.Time
	group     group
	noSync    bool
	discarded bool
	behind    *behind   // the write-behind of Put, only WithoutSync
	log       *eventLog // the write-ahead log of appends, unless WithoutSync
	logger    *slog.Logger
}

type config struct {
	lockTimeout time.Duration
	now         func() time.Time
	noSync      bool
	every       time.Duration // the write-behind or checkpoint interval; 0 for the default
	logger      *slog.Logger
	syncDir     func(dir string) error
}

// configure applies opts over the defaults.
func configure(opts []Option) (config, error) {
	c := config{lockTimeout: time.Second, now: time.Now, logger: slog.Default(), syncDir: syncDir}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Option configures Open. An option with an invalid value makes Open fail
// with InvalidArgument.
type Option func(*config) error

// WithLockTimeout sets how long Open waits for another process to release
// the file before failing with StoreUnavailable. The default is 1s.
func WithLockTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return events.Errorf(events.CodeInvalidArgument, "lock timeout %s must be positive", d)
		}
		c.lockTimeout = d
		return nil
	}
}

// WithClock sets the clock that stamps RecordedAt and DeadLetter.Received.
// The default is time.Now. The store never stamps an event earlier than the
// stream's previous one, whatever the clock says.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return events.Errorf(events.CodeInvalidArgument, "clock must not be nil")
		}
		c.now = now
		return nil
	}
}

// WithLogger sets where the store logs what it repairs on its own: a torn
// tail of the write-ahead log that Open cuts off, damage in records the
// file already holds. The default is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return events.Errorf(events.CodeInvalidArgument, "logger must not be nil")
		}
		c.logger = l
		return nil
	}
}

// Open opens or creates the store file at path. It fails with
// StoreUnavailable when the file is locked by another process (or another
// open Store), is not a bbolt file, or cannot be created, or when its
// write-ahead log is damaged where a crash cannot have damaged it (the
// cause is then a *CorruptLogError, and Repair is the way out), and with
// InvalidArgument for an invalid option.
func Open(path string, opts ...Option) (*Store, error) {
	c, err := configure(opts)
	if err != nil {
		return nil, err
	}
	db, discarded, err := openDB(path, c)
	if err != nil {
		return nil, openError(path, err)
	}
	if err := createBuckets(db); err != nil {
		_ = db.Close()
		return nil, events.Wrap(events.CodeStoreUnavailable, err, "cannot initialise "+path)
	}
	s := &Store{db: db, path: path, now: c.now, noSync: c.noSync, discarded: discarded, logger: c.logger}
	s.group.commit = s.commit
	if !c.noSync {
		if err := s.openLog(cmp.Or(c.every, checkpointEvery), c.syncDir); err != nil {
			_ = db.Close()
			return nil, recoveryError(path, err)
		}
	}
	if c.noSync {
		s.behind = newBehind(path, cmp.Or(c.every, defaultFlushEvery))
		go s.behind.pace.run(func() { _ = s.flush() }) // a failure is kept in behind.err
	}
	return s, nil
}

// openDB opens the bbolt file as the configuration says.
func openDB(path string, c config) (*bolt.DB, bool, error) {
	opts := &bolt.Options{Timeout: c.lockTimeout, NoSync: c.noSync, NoFreelistSync: c.noSync}
	if c.noSync {
		return openUnsynced(path, opts)
	}
	db, err := bolt.Open(path, 0o600, opts)
	return db, false, err
}

// recoveryError wraps a failure to recover the log as StoreUnavailable.
func recoveryError(path string, err error) error {
	var c *CorruptLogError
	if errors.As(err, &c) {
		return events.Wrap(events.CodeStoreUnavailable, err, "the event log of "+path+
			" is damaged; the store does not open, rather than drop appends that may have returned (Repair drops what it must, and reports it)")
	}
	return events.Wrap(events.CodeStoreUnavailable, err, "cannot recover the event log of "+path)
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return events.Wrap(events.CodeStoreUnavailable, err, path+" is locked by another process (or another open Store); close it first")
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return events.Wrap(events.CodeStoreUnavailable, err, path+" is not a bbolt file or is corrupt")
	}
	return events.Wrap(events.CodeStoreUnavailable, err, "cannot open "+path)
}

func createBuckets(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketEvents, bucketSnapshots, bucketCommands, bucketState, bucketDLQ, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close waits for the running commit and closes the file. A store opened
// WithoutSync first stops its flusher, writes the states still pending,
// syncs the file and marks it as closed cleanly; if a flush failed, Close
// returns that StoreUnavailable error and closes the file without the
// mark, so the next Open discards it. Later calls fail with
// StoreUnavailable.
func (s *Store) Close() error {
	if err := errors.Join(s.closeLog(), s.closeBehind()); err != nil {
		_ = s.db.Close()
		return err
	}
	if s.noSync {
		if err := s.markClean(); err != nil {
			_ = s.db.Close()
			return err
		}
	}
	if err := s.db.Close(); err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "cannot close "+s.path)
	}
	return nil
}

// view runs fn in a read-only transaction, after checking ctx.
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctxError(ctx); err != nil {
		return err
	}
	return s.storeError(s.db.View(fn))
}

// read runs fn in a read-only transaction, after checking ctx, with what
// the log holds beyond the file.
func (s *Store) read(ctx context.Context, fn func(v *view) error) error {
	if s.log == nil {
		return s.view(ctx, func(tx *bolt.Tx) error { return fn(&view{tx: tx}) })
	}
	if err := ctxError(ctx); err != nil {
		return err
	}
	t := s.log.tail
	t.gate.RLock()
	defer t.gate.RUnlock()
	return s.storeError(s.db.View(func(tx *bolt.Tx) error {
		return fn(&view{tx: tx, tail: t, applied: appliedIn(tx)})
	}))
}

// storeError maps a bbolt failure to StoreUnavailable and keeps *events.Error
// as it is.
func (s *Store) storeError(err error) error {
	var e *events.Error
	switch {
	case err == nil, errors.As(err, &e):
		return err
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return events.Wrap(events.CodeStoreUnavailable, err, s.path+" is closed")
	}
	return events.Wrap(events.CodeStoreUnavailable, err, "cannot use "+s.path)
}

// ctxError returns an Internal *events.Error wrapping ctx.Err(), so that
// errors.Is(err, context.Canceled) holds, or nil while ctx is live.
func ctxError(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return events.Wrap(events.CodeInternal, err, "call abandoned")
	}
	return nil
}
