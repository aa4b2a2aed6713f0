package asl

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// History is an execution's event log.
type History interface {
	// Events returns the events in order, in AWS's shape.
	Events() []types.HistoryEvent
}

// EventList is a History held as a slice, for stores that load one.
type EventList []types.HistoryEvent

// Events returns the list.
func (l EventList) Events() []types.HistoryEvent { return l }

// Store keeps finished executions. The in-memory store is the default; a
// persistent store implements the same two methods.
type Store interface {
	// Save records a finished execution and its history.
	Save(ctx context.Context, ex *Execution, h History) error
	// Load returns a saved execution, or ErrExecutionNotFound.
	Load(ctx context.Context, executionARN string) (*Execution, History, error)
}

// MemoryStore is a Store in memory. It keeps every execution until the
// process ends.
type MemoryStore struct {
	mu   sync.RWMutex
	recs map[string]memRecord
}

var _ Store = (*MemoryStore)(nil)

// memRecord is one saved execution.
type memRecord struct {
	ex *Execution
	h  History
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{recs: map[string]memRecord{}}
}

// Save keeps ex and h; the history is rendered only when it is read.
func (s *MemoryStore) Save(_ context.Context, ex *Execution, h History) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs[ex.ExecutionARN] = memRecord{ex, h}
	return nil
}

// Load returns a copy of the saved execution and its history.
func (s *MemoryStore) Load(_ context.Context, arn string) (*Execution, History, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.recs[arn]
	if !ok {
		return nil, nil, ErrExecutionNotFound
	}
	ex := *r.ex
	return &ex, r.h, nil
}

// runHistory is the History of a run, rendered on demand.
type runHistory struct {
	h       *history
	roleARN string
	region  string
}

// Events renders the recorded events.
func (r runHistory) Events() []types.HistoryEvent { return r.h.snapshot(r.roleARN) }
