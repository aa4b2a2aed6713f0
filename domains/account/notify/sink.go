package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/stepfold/stepfold/events"
)

// JSONLSink appends each notification, as one line of JSON, to a file. It
// is the local mode's sink.
//
// Send writes the line before it returns, so a process crash loses no
// notification, but syncs the file to disk only when SyncInterval or more
// has passed since the last sync, and on Close: one fsync per notification
// cost a fifth of the local server's throughput. A machine crash can lose
// the unsynced tail, as log lines on AWS (LogSink) can; the events stay in
// the event log, and the seen-set is rebuilt from this file, so
// `stepfold replay --republish notify-account-activity` sends the lost ones
// again.
type JSONLSink struct {
	mu     sync.Mutex
	f      *os.File
	path   string
	synced time.Time // when the file was last synced
}

// SyncInterval is the least time between two syncs of a JSONLSink.
const SyncInterval = 20 * time.Millisecond

var _ Sink = (*JSONLSink)(nil)

// OpenJSONL opens, or creates, the notifications file at path for
// appending. Errors are StoreUnavailable.
func OpenJSONL(path string) (*JSONLSink, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, events.Wrap(events.CodeStoreUnavailable, err, "notify: opening notifications file")
	}
	return &JSONLSink{f: f, path: path}, nil
}

// Send appends n. A failed write returns StoreUnavailable.
func (s *JSONLSink) Send(_ context.Context, n Notification) error {
	line, err := json.Marshal(n)
	if err != nil {
		return events.Wrap(events.CodeInvalidArgument, err, "notify: encoding notification "+n.EventID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return events.Errorf(events.CodeStoreUnavailable, "notify: notifications file %s is closed", s.path)
	}
	if _, err := s.f.Write(append(line, '\n')); err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "notify: writing "+s.path)
	}
	if time.Since(s.synced) < SyncInterval {
		return nil
	}
	return s.sync()
}

// sync flushes the file to disk; the caller holds s.mu.
func (s *JSONLSink) sync() error {
	if err := s.f.Sync(); err != nil {
		return events.Wrap(events.CodeStoreUnavailable, err, "notify: syncing "+s.path)
	}
	s.synced = time.Now()
	return nil
}

// Close syncs and closes the file. Later sends fail.
func (s *JSONLSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	return err
}

// ReadJSONL returns the notifications in the file at path, in order. A
// missing file holds none. A last line cut short by a crash is ignored;
// any other line that is not a notification returns StoreUnavailable.
func ReadJSONL(path string) ([]Notification, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, events.Wrap(events.CodeStoreUnavailable, err, "notify: opening "+path)
	}
	defer f.Close()
	return readLines(bufio.NewReader(f), path)
}

func readLines(r *bufio.Reader, path string) ([]Notification, error) {
	var out []Notification
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return out, nil // a complete line always ends in '\n'
		}
		if err != nil {
			return nil, events.Wrap(events.CodeStoreUnavailable, err, "notify: reading "+path)
		}
		var note Notification
		if err := json.Unmarshal(line, &note); err != nil {
			return nil, events.Wrap(events.CodeStoreUnavailable, err, "notify: "+path+" line "+strconv.Itoa(n)+" is not a notification")
		}
		out = append(out, note)
	}
}

// SeenFromJSONL returns a MemorySeen of the given capacity that holds the
// ids notified in the file at path, the most recent ones if there are more.
func SeenFromJSONL(path string, capacity int) (*MemorySeen, error) {
	seen, err := NewMemorySeen(capacity)
	if err != nil {
		return nil, err
	}
	notes, err := ReadJSONL(path)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		_, _ = seen.MarkSeen(context.Background(), n.EventID) // MemorySeen never fails
	}
	return seen, nil
}

// LogSink writes each notification as one structured log record. It is the
// AWS mode's sink, where the Lambda's logs are the delivery channel.
type LogSink struct {
	log *slog.Logger
}

var _ Sink = (*LogSink)(nil)

// NewLogSink returns a sink that logs to l at level Info.
func NewLogSink(l *slog.Logger) (*LogSink, error) {
	if l == nil {
		return nil, events.Errorf(events.CodeInvalidArgument, "notify: nil logger")
	}
	return &LogSink{log: l}, nil
}

// Send logs n with the message "notification". It never fails.
func (s *LogSink) Send(ctx context.Context, n Notification) error {
	s.log.LogAttrs(ctx, slog.LevelInfo, "notification",
		slog.String("eventId", n.EventID), slog.String("account", n.Account), slog.String("kind", string(n.Kind)),
		slog.String("text", n.Text), slog.Time("occurredAt", n.OccurredAt))
	return nil
}
