package notify

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestMemorySeenDedupesAndForgetsOldest(t *testing.T) {
	ctx := context.Background()
	s, err := NewMemorySeen(2)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		op, id string
		first  bool
	}{
		{"mark", "a", true}, {"mark", "a", false}, {"mark", "b", true},
		{"mark", "c", true}, // evicts a
		{"mark", "a", true}, // evicts b
		{"mark", "c", false},
		{"forget", "c", false}, {"mark", "c", true},
		{"mark", "d", true}, // evicts the first mark of c, which must not unmark c
		{"mark", "c", false},
	}
	for i, st := range steps {
		if st.op == "forget" {
			if err := s.Forget(ctx, st.id); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if first, err := s.MarkSeen(ctx, st.id); err != nil || first != st.first {
			t.Errorf("step %d: MarkSeen(%s) = %v, %v; want %v", i, st.id, first, err, st.first)
		}
	}
}

func TestMemorySeenIsSafeForConcurrentUse(t *testing.T) {
	s, err := NewMemorySeen(10)
	if err != nil {
		t.Fatal(err)
	}
	firsts := make(chan bool, 40)
	for i := range 40 {
		go func() {
			first, _ := s.MarkSeen(context.Background(), fmt.Sprint("id-", i%4))
			firsts <- first
		}()
	}
	n := 0
	for range 40 {
		if <-firsts {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d first marks of 4 ids; want 4", n)
	}
}

func TestNewMemorySeenRejectsZeroCapacity(t *testing.T) {
	if _, err := NewMemorySeen(0); !errors.Is(err, events.ErrInvalidArgument) {
		t.Errorf("NewMemorySeen(0) = %v; want InvalidArgument", err)
	}
}
