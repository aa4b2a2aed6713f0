// Package rebuild brings the read model up to date with the event log.
//
// Run scans every account (EventStore.Accounts), reads its events
// (EventStore.Read), folds them (events.Replay) and stores the result
// (StateStore.Put, which only moves forward). With CatchUp set it starts
// from each account's stored state and reads only the events after it,
// which is what the server does at startup after a crash; without it, it
// folds every account from its first event, which is `stepfold replay`.
package rebuild

import (
	"context"
	"errors"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Options tunes Run. The zero value rebuilds every account from scratch.
type Options struct {
	// CatchUp folds only the events after each account's stored state.
	CatchUp bool
	// Republish, if set, receives each account's events read, in order,
	// after they are folded.
	Republish func(ctx context.Context, evs []events.Event) error
	// Progress, if set, is called after each account.
	Progress func(Stats)
}

// Stats counts what Run did.
type Stats struct {
	Accounts int64 // accounts scanned
	Events   int64 // events read and folded
	Updated  int64 // accounts whose stored state moved forward
	Started  time.Time
	Elapsed  time.Duration
}

// EventsPerSecond is the fold rate.
func (s Stats) EventsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Events) / s.Elapsed.Seconds()
}

// Run folds the log of every account into the read model. It stops at the
// first error, with the stats so far.
func Run(ctx context.Context, log events.EventStore, states events.StateStore, opt Options) (Stats, error) {
	st := Stats{Started: time.Now()}
	after := ""
	for {
		ids, err := log.Accounts(ctx, after, events.MaxReadLimit)
		if err != nil {
			return st.done(), err
		}
		for _, id := range ids {
			if err := account(ctx, log, states, id, opt, &st); err != nil {
				return st.done(), err
			}
		}
		if len(ids) < events.MaxReadLimit {
			return st.done(), nil
		}
		after = ids[len(ids)-1]
	}
}

func (s *Stats) done() Stats {
	s.Elapsed = time.Since(s.Started)
	return *s
}

// account folds one account's log over its starting state.
func account(ctx context.Context, log events.EventStore, states events.StateStore, id string, opt Options, st *Stats) error {
	cur, err := start(ctx, states, id, opt.CatchUp)
	if err != nil {
		return err
	}
	for {
		evs, err := log.Read(ctx, id, cur.Version+1, events.MaxReadLimit)
		if err != nil || len(evs) == 0 {
			return finish(ctx, states, cur, id, opt, st, err)
		}
		if cur, err = events.Replay(cur, evs); err != nil {
			return err
		}
		st.Events += int64(len(evs))
		if opt.Republish != nil {
			if err := opt.Republish(ctx, evs); err != nil {
				return err
			}
		}
		if len(evs) < events.MaxReadLimit {
			return finish(ctx, states, cur, id, opt, st, nil)
		}
	}
}

// start is the state to fold from: the stored state when catching up,
// otherwise nothing.
func start(ctx context.Context, states events.StateStore, id string, catchUp bool) (events.State, error) {
	if !catchUp {
		return events.State{}, nil
	}
	s, err := states.Get(ctx, id)
	if errors.Is(err, events.ErrAccountNotFound) {
		return events.State{}, nil
	}
	return s, err
}

func finish(ctx context.Context, states events.StateStore, cur events.State, id string, opt Options, st *Stats, err error) error {
	if err != nil {
		return err
	}
	st.Accounts++
	if cur.Version > 0 {
		stored, err := states.Put(ctx, cur)
		if err != nil {
			return err
		}
		if stored {
			st.Updated++
		}
	}
	if opt.Progress != nil {
		opt.Progress(st.done())
	}
	return nil
}
