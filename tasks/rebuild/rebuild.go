// Package rebuild brings a domain's read model up to date with its event
// log.
//
// Run scans every stream (EventStore.Streams) and has the domain's tasks
// fold each one's log into the read model (Folder.Rebuild, which only moves
// forward). With CatchUp set it starts from each stream's stored state and
// reads only the events after it, which is what the server does at startup
// after a crash; without it, it folds every stream from its first event,
// which is `stepfold replay`.
package rebuild

import (
	"context"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Folder folds one stream's log into the read model; *tasks.Service is one.
type Folder interface {
	Rebuild(ctx context.Context, stream string, catchUp bool, each func([]events.Event) error) (read int64, stored bool, err error)
}

// Streams lists the streams that have events; an events.EventStore is one.
type Streams interface {
	Streams(ctx context.Context, after string, limit int) ([]string, error)
}

// Options tunes Run. The zero value rebuilds every stream from scratch.
type Options struct {
	// CatchUp folds only the events after each stream's stored state.
	CatchUp bool
	// Republish, if set, receives each stream's events read, in order,
	// after they are folded.
	Republish func(ctx context.Context, evs []events.Event) error
	// Progress, if set, is called after each stream.
	Progress func(Stats)
}

// Stats counts what Run did.
type Stats struct {
	Streams int64 // streams scanned
	Events  int64 // events read and folded
	Updated int64 // streams whose stored state moved forward
	Started time.Time
	Elapsed time.Duration
}

// EventsPerSecond is the fold rate.
func (s Stats) EventsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Events) / s.Elapsed.Seconds()
}

// Run folds the log of every stream into the read model. It stops at the
// first error, with the stats so far.
func Run(ctx context.Context, scan Streams, f Folder, opt Options) (Stats, error) {
	st := Stats{Started: time.Now()}
	var each func([]events.Event) error
	if opt.Republish != nil {
		each = func(evs []events.Event) error { return opt.Republish(ctx, evs) }
	}
	after := ""
	for {
		ids, err := scan.Streams(ctx, after, events.MaxReadLimit)
		if err != nil {
			return st.done(), err
		}
		for _, id := range ids {
			read, stored, err := f.Rebuild(ctx, id, opt.CatchUp, each)
			st.Events += read
			if err != nil {
				return st.done(), err
			}
			st.count(stored, opt.Progress)
		}
		if len(ids) < events.MaxReadLimit {
			return st.done(), nil
		}
		after = ids[len(ids)-1]
	}
}

func (s *Stats) count(stored bool, progress func(Stats)) {
	s.Streams++
	if stored {
		s.Updated++
	}
	if progress != nil {
		progress(s.done())
	}
}

func (s *Stats) done() Stats {
	s.Elapsed = time.Since(s.Started)
	return *s
}
