package eventbus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Archive is a target that appends each event, as one line of JSON, to a
// file. Bus.Replay reads it back.
//
// The archive is a copy: the event log is the durable record, and
// `stepfold replay --republish` rebuilds anything the archive lost. So the
// archive writes every event to the file at once (a process crash loses
// nothing), but syncs it to disk only at an event that comes SyncInterval
// or more after the last sync, and on Close, rather than paying one fsync
// per event: a machine crash can lose the unsynced tail.
type Archive struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	synced time.Time // when the file was last synced
}

// SyncInterval is the least time between two syncs of the archive, and the
// longest that records written to the queue wait for a sync: what a machine
// crash, unlike a process crash, can take from either.
const SyncInterval = 20 * time.Millisecond

var _ Target = (*Archive)(nil)

// OpenArchive opens, or creates, the archive at path for appending. A
// last line torn by a crash is ended, so that the next event starts a line
// of its own. Errors are StoreUnavailable.
func OpenArchive(path string) (*Archive, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err == nil {
		err = endLine(f)
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, events.Wrap(events.CodeStoreUnavailable, err, "localbus: opening archive")
	}
	return &Archive{f: f, path: path}, nil
}

// endLine appends a newline to f unless it is empty or ends with one.
func endLine(f *os.File) error {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, fi.Size()-1); err != nil || last[0] == '\n' {
		return err
	}
	_, err = f.Write([]byte{'\n'})
	return err
}

// Deliver appends event as one line and syncs it to disk. Input that is not
// JSON is refused for good; a failed write or sync returns StoreUnavailable,
// which the bus retries.
func (a *Archive) Deliver(ctx context.Context, event []byte) error {
	var line bytes.Buffer
	if err := json.Compact(&line, event); err != nil {
		return Permanent(events.Wrap(events.CodeInvalidArgument, err, "localbus: archive takes JSON events"))
	}
	line.WriteByte('\n')
	if err := ctx.Err(); err != nil {
		return err
	}
	return a.append(line.Bytes())
}

func (a *Archive) append(line []byte) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return Permanent(events.Errorf(events.CodeStoreUnavailable, "localbus: archive %s is closed", a.path))
	}
	if _, err := a.f.Write(line); err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "localbus: writing archive "+a.path)
	}
	if time.Since(a.synced) < SyncInterval {
		return nil
	}
	return a.sync()
}

// sync flushes the file to disk; the caller holds a.mu.
func (a *Archive) sync() error {
	if err := a.f.Sync(); err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "localbus: syncing archive "+a.path)
	}
	a.synced = time.Now()
	return nil
}

// Close closes the file. Later deliveries fail for good.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	syncErr := a.sync()
	err := errors.Join(syncErr, a.f.Close())
	a.f = nil
	return err
}
