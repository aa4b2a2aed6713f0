// Package eventstest holds test doubles for the events ports that other
// packages' tests share.
package eventstest

import (
	"context"
	"sync"

	"github.com/stepfold/stepfold/events"
)

// Recorder is an events.Publisher that keeps every event it is given, in
// order. It is safe for concurrent use.
type Recorder struct {
	mu  sync.Mutex
	evs []events.Event
}

var _ events.Publisher = (*Recorder)(nil)

// Publish records evs and never fails.
func (r *Recorder) Publish(_ context.Context, evs []events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, evs...)
	return nil
}

// IDs returns the ids of the published events, in order, repeats included.
func (r *Recorder) IDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := []string{}
	for _, e := range r.evs {
		ids = append(ids, e.ID)
	}
	return ids
}
