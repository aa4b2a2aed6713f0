package localbus

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"sync"

	"github.com/stepfold/stepfold/events"
)

// Archive is a target that appends each event, as one line of JSON, to a
// file, and syncs the file before Deliver returns. Bus.Replay reads it back.
type Archive struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

var _ Target = (*Archive)(nil)

// OpenArchive opens, or creates, the archive at path for appending. Errors
// are StoreUnavailable.
func OpenArchive(path string) (*Archive, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, events.Wrap(events.CodeStoreUnavailable, err, "localbus: opening archive")
	}
	return &Archive{f: f, path: path}, nil
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
	if err := a.f.Sync(); err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "localbus: syncing archive "+a.path)
	}
	return nil
}

// Close closes the file. Later deliveries fail for good.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
