package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/stepfold/stepfold/events"
)

// Fold brings the read model up to date with stored events, idempotently
// and in any order: events the read model already holds change nothing,
// and a gap before them (a lost or late Fold) is filled by rebuilding the
// state from the log.
//
// It returns the command's reply (see events.Replier) for the state as of the
// last of the events, not the latest state, so a duplicate command gets the
// answer it got the first time.
//
// It returns InvalidArgument unless the events are consecutive versions of
// one stream, and the stores' codes (StoreUnavailable, Throttled, ...).
func (s *Service[S, C]) Fold(ctx context.Context, in EventsInput) (json.RawMessage, error) {
	if err := checkRun(in.Events); err != nil {
		return nil, err
	}
	at, err := s.foldRun(ctx, in.Events)
	if err != nil {
		return nil, err
	}
	return s.reply(at, s.stamp(in.Events))
}

func (s *Service[S, C]) foldRun(ctx context.Context, evs []events.Event) (folded[S], error) {
	first, last := evs[0], evs[len(evs)-1]
	cur, err := s.current(ctx, first.Stream)
	switch {
	case err != nil:
		return cur, err
	case cur.version >= last.Version:
		return s.alreadyFolded(ctx, cur, last)
	case cur.version+1 >= first.Version:
		return s.foldNext(ctx, first.Stream, cur, evs[cur.version+1-first.Version:])
	}
	return s.rebuildTo(ctx, last)
}

// checkRun reports whether evs are consecutive versions of one stream.
func checkRun(evs []events.Event) error {
	if len(evs) == 0 {
		return events.Errorf(events.CodeInvalidArgument, "fold needs at least one event")
	}
	first := evs[0]
	if !events.ValidID(first.Stream) || first.Version < 1 {
		return events.Errorf(events.CodeInvalidArgument, "event %q has no valid stream and version", first.ID)
	}
	for i, e := range evs {
		if e.Stream != first.Stream || e.Version != first.Version+int64(i) {
			return events.Errorf(events.CodeInvalidArgument, "event %q must be %s", e.ID, events.EventID(first.Stream, first.Version+int64(i)))
		}
	}
	return nil
}

// current returns the read model's state of stream, or the initial state.
func (s *Service[S, C]) current(ctx context.Context, stream string) (folded[S], error) {
	snap, err := s.states.Get(ctx, stream)
	if errors.Is(err, events.ErrNotFound) {
		return s.restore(events.Snapshot{})
	}
	if err != nil {
		return folded[S]{}, err
	}
	return s.restore(snap)
}

// alreadyFolded returns the state at last when the read model is there or
// beyond.
func (s *Service[S, C]) alreadyFolded(ctx context.Context, cur folded[S], last events.Event) (folded[S], error) {
	if cur.version == last.Version {
		return cur, nil
	}
	return s.stateAt(ctx, last)
}

// foldNext applies the events that follow cur and stores the result.
func (s *Service[S, C]) foldNext(ctx context.Context, stream string, cur folded[S], evs []events.Event) (folded[S], error) {
	next, err := s.replay(cur, evs)
	if err != nil {
		return folded[S]{}, err
	}
	return next, s.put(ctx, stream, next)
}

func (s *Service[S, C]) put(ctx context.Context, stream string, f folded[S]) error {
	snap, err := s.snapshot(f)
	if err != nil {
		return err
	}
	_, err = s.states.Put(ctx, stream, snap)
	return err
}

// rebuildTo stores the latest state from the log and returns the state at
// last.
func (s *Service[S, C]) rebuildTo(ctx context.Context, last events.Event) (folded[S], error) {
	latest, err := s.latestState(ctx, last.Stream)
	if err != nil {
		return folded[S]{}, err
	}
	if latest.version >= last.Version {
		if err := s.put(ctx, last.Stream, latest); err != nil {
			return folded[S]{}, err
		}
	}
	if latest.version == last.Version {
		return latest, nil
	}
	return s.stateAt(ctx, last)
}

// stateAt recomputes the state at event last from the log.
func (s *Service[S, C]) stateAt(ctx context.Context, last events.Event) (folded[S], error) {
	at, err := s.replayTo(ctx, last.Stream, last.Version)
	if err != nil {
		return folded[S]{}, err
	}
	if at.version != last.Version {
		return folded[S]{}, events.Errorf(events.CodeInternal, "the log of %s ends at version %d, before event %s", last.Stream, at.version, last.ID)
	}
	return at, nil
}

// reply is the domain's answer for state f after evs.
func (s *Service[S, C]) reply(f folded[S], evs []events.Event) (json.RawMessage, error) {
	var v any = events.Reply[S]{Stream: evs[0].Stream, Version: f.version, State: f.state, Events: evs}
	if r, ok := s.domain.(events.Replier[S]); ok {
		v = r.Reply(f.state, evs)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, events.Wrap(events.CodeInternal, err, "the reply does not encode")
	}
	return b, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
