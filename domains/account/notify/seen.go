package notify

import (
	"context"
	"sync"

	"github.com/stepfold/stepfold/events"
)

// Seen remembers which events were notified, to drop redeliveries.
type Seen interface {
	// MarkSeen records id and reports whether this is its first mark.
	MarkSeen(ctx context.Context, id string) (first bool, err error)
	// Forget removes id, so that a notification that failed after its mark
	// is sent when the event is delivered again.
	Forget(ctx context.Context, id string) error
}

// MemorySeen is a Seen that keeps the most recent ids in memory, up to a
// capacity, and forgets the oldest beyond it. It is safe for concurrent use.
type MemorySeen struct {
	mu    sync.Mutex
	ids   map[string]uint64 // id -> the mark that set it
	order []mark            // ring of marks, oldest at next once full
	next  int
	marks uint64
}

type mark struct {
	id  string
	seq uint64
}

var _ Seen = (*MemorySeen)(nil)

// NewMemorySeen returns an empty set that holds up to capacity ids.
func NewMemorySeen(capacity int) (*MemorySeen, error) {
	if capacity < 1 {
		return nil, events.Errorf(events.CodeInvalidArgument, "notify: seen-set capacity %d must be at least 1", capacity)
	}
	return &MemorySeen{ids: make(map[string]uint64, capacity), order: make([]mark, 0, capacity)}, nil
}

// MarkSeen implements Seen. It never fails.
func (s *MemorySeen) MarkSeen(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false, nil
	}
	s.marks++
	m := mark{id: id, seq: s.marks}
	s.ids[id] = m.seq
	if len(s.order) < cap(s.order) {
		s.order = append(s.order, m)
		return true, nil
	}
	if old := s.order[s.next]; s.ids[old.id] == old.seq {
		delete(s.ids, old.id) // unless it was forgotten and marked again since
	}
	s.order[s.next] = m
	s.next = (s.next + 1) % len(s.order)
	return true, nil
}

// Forget implements Seen. The id keeps its slot in the ring until the slot
// is reused, so Forget frees no capacity; it never fails.
func (s *MemorySeen) Forget(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
	return nil
}
