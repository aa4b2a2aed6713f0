// Package executions keeps the most recent finished executions of the local
// state machines, for DescribeExecution, GetExecutionHistory,
// ListExecutions and the console.
//
// It is an asl.Store with a fixed capacity: the oldest execution is
// forgotten when a new one arrives at a full store, so a long load test
// does not grow memory without bound. Executions live only in memory; the
// account data they changed lives in the event store.
package executions

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/statemachines/asl"
)

// DefaultCapacity is the number of executions a Recent keeps by default.
// A kept execution of the account state machine holds about 25 KB of heap
// in some 270 objects (its history's values), which the garbage collector
// scans for as long as it is kept: with 10,000 kept, a command cost about
// 1.6 times the CPU under load (BenchmarkCommand in cmd/stepfold).
const DefaultCapacity = 1000

var _ asl.Store = (*Recent)(nil)

// Recent is a bounded asl.Store that also lists. It is safe for concurrent
// use. Build it with New.
type Recent struct {
	mu    sync.RWMutex
	ring  []*record // ring[seq % len(ring)]
	next  uint64    // sequence number of the next Save
	byARN map[string]*record
}

type record struct {
	seq uint64
	ex  *asl.Execution
	h   asl.History
}

// New returns an empty store that keeps the latest capacity executions.
// capacity must be at least 1.
func New(capacity int) (*Recent, error) {
	if capacity < 1 {
		return nil, fmt.Errorf("executions: capacity %d must be at least 1", capacity)
	}
	return &Recent{ring: make([]*record, capacity), byARN: make(map[string]*record, capacity)}, nil
}

// Save keeps ex and h, forgetting the oldest execution if the store is full.
func (s *Recent) Save(_ context.Context, ex *asl.Execution, h asl.History) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	slot := s.next % uint64(len(s.ring))
	if old := s.ring[slot]; old != nil {
		delete(s.byARN, old.ex.ExecutionARN)
	}
	r := &record{seq: s.next, ex: ex, h: h}
	s.ring[slot] = r
	s.byARN[ex.ExecutionARN] = r
	s.next++
	return nil
}

// Load returns a copy of a kept execution and its history, or
// asl.ErrExecutionNotFound.
func (s *Recent) Load(_ context.Context, arn string) (*asl.Execution, asl.History, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byARN[arn]
	if !ok {
		return nil, nil, asl.ErrExecutionNotFound
	}
	ex := *r.ex
	return &ex, r.h, nil
}

// Query selects executions for List.
type Query struct {
	// StateMachineARN keeps only that machine's executions; "" keeps all.
	StateMachineARN string
	// Status keeps only executions with that status; "" keeps all.
	Status types.ExecutionStatus
	// Before continues a listing: only executions older than this cursor
	// (a Page.Next of an earlier call); 0 starts with the newest.
	Before uint64
	// Limit is the page size; below 1 means 100.
	Limit int
}

// Page is one page of a listing, newest first.
type Page struct {
	Executions []*asl.Execution
	// Next is the cursor for the following page, 0 at the end.
	Next uint64
}

// List returns kept executions that match q, newest first.
func (s *Recent) List(q Query) Page {
	if q.Limit < 1 {
		q.Limit = 100
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var p Page
	seq := s.next
	if q.Before != 0 && q.Before < seq {
		seq = q.Before
	}
	oldest := s.oldest()
	for seq > oldest {
		seq--
		r := s.ring[seq%uint64(len(s.ring))]
		if !q.matches(r.ex) {
			continue
		}
		if len(p.Executions) == q.Limit {
			p.Next = seq + 1
			break
		}
		ex := *r.ex
		p.Executions = append(p.Executions, &ex)
	}
	return p
}

// oldest is the sequence number of the oldest kept execution.
func (s *Recent) oldest() uint64 {
	if n := uint64(len(s.ring)); s.next > n {
		return s.next - n
	}
	return 0
}

func (q Query) matches(ex *asl.Execution) bool {
	return (q.StateMachineARN == "" || ex.StateMachineARN == q.StateMachineARN) &&
		(q.Status == "" || ex.Status == q.Status)
}
