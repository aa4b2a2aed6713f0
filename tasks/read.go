package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"math"

	"github.com/stepfold/stepfold/events"
)

// DefaultPageLimit is the number of events Events returns when the caller
// does not say.
const DefaultPageLimit = 100

// State returns the precomputed state of stream from the read model, as
// the domain's JSON.
//
// It returns the domain's NotFound code for a stream that does not exist,
// or whose id could not name one, and the store's codes.
func (s *Service[S, C]) State(ctx context.Context, stream string) (json.RawMessage, error) {
	if err := s.checkStream(stream); err != nil {
		return nil, err
	}
	snap, err := s.states.Get(ctx, stream)
	if errors.Is(err, events.ErrNotFound) {
		return nil, s.notFound(stream)
	}
	return snap.State, err
}

// Page is one page of a stream's log.
type Page struct {
	Events []events.Event `json:"events"`
	// Next is the version to ask for the next page from, or 0 when this
	// page reaches the end of the log.
	Next int64 `json:"next,omitempty"`
}

// Events returns up to limit events of stream, in version order, starting
// at version from, each read as the current schema of its type.
//
// It returns InvalidCommand when from is below 1 or limit is not between 1
// and events.MaxReadLimit, the domain's NotFound for a stream without
// events, and the store's codes.
func (s *Service[S, C]) Events(ctx context.Context, stream string, from int64, limit int) (Page, error) {
	if err := s.checkStream(stream); err != nil {
		return Page{}, err
	}
	if err := checkPage(from, limit); err != nil {
		return Page{}, err
	}
	evs, err := s.store.Read(ctx, stream, from, min(limit+1, events.MaxReadLimit))
	if err != nil {
		return Page{}, err
	}
	if len(evs) == 0 {
		return s.emptyPage(ctx, stream)
	}
	if err := s.readAsCurrent(evs); err != nil {
		return Page{}, err
	}
	return page(evs, limit), nil
}

// readAsCurrent rewrites evs in place as the current schema of their types.
func (s *Service[S, C]) readAsCurrent(evs []events.Event) error {
	for i, e := range evs {
		x, err := s.fact(e)
		if err != nil {
			return err
		}
		evs[i] = x.Event
	}
	return nil
}

func checkPage(from int64, limit int) error {
	if from < 1 {
		return events.Errorf(events.CodeInvalidCommand, "from must be a version of 1 or more, got %d", from)
	}
	if limit < 1 || limit > events.MaxReadLimit {
		return events.Errorf(events.CodeInvalidCommand, "limit must be between 1 and %d, got %d", events.MaxReadLimit, limit)
	}
	return nil
}

// page cuts a read of up to limit+1 events to limit and sets the cursor.
func page(evs []events.Event, limit int) Page {
	switch {
	case len(evs) > limit:
		return Page{Events: evs[:limit], Next: evs[limit].Version}
	case len(evs) == events.MaxReadLimit:
		return Page{Events: evs, Next: evs[len(evs)-1].Version + 1}
	}
	return Page{Events: evs}
}

// emptyPage tells a page past the end of the log from a missing stream.
func (s *Service[S, C]) emptyPage(ctx context.Context, stream string) (Page, error) {
	evs, err := s.store.Read(ctx, stream, 1, 1)
	if err != nil {
		return Page{}, err
	}
	if len(evs) == 0 {
		return Page{}, s.notFound(stream)
	}
	return Page{Events: []events.Event{}}, nil
}

// latestState folds the whole log of stream into its current state, from its
// latest snapshot. Rebuilding a read model uses it.
func (s *Service[S, C]) latestState(ctx context.Context, stream string) (folded[S], error) {
	h, err := s.store.Load(ctx, stream)
	if err != nil {
		return folded[S]{}, err
	}
	return s.load(h)
}

// replayTo folds the log of stream up to version v, from the latest
// snapshot at or before v. The result stops early where the log does.
func (s *Service[S, C]) replayTo(ctx context.Context, stream string, v int64) (folded[S], error) {
	snap, err := s.store.Snapshot(ctx, stream, v)
	if err != nil {
		return folded[S]{}, err
	}
	f, err := s.restore(snap)
	for err == nil && f.version < v {
		var evs []events.Event
		evs, err = s.store.Read(ctx, stream, f.version+1, int(min(v-f.version, int64(s.cfg.pageSize))))
		if err != nil || len(evs) == 0 {
			return f, err
		}
		f, err = s.replay(f, evs)
	}
	return f, err
}

func (s *Service[S, C]) checkStream(stream string) error {
	if !events.ValidID(stream) {
		return events.Errorf(s.notFoundCode(), "no %s can have the id %q: ids are 1 to %d letters, digits, '_', '.' or '-'", s.noun(), stream, events.MaxIDLength)
	}
	return nil
}

func (s *Service[S, C]) notFound(stream string) error {
	return events.Errorf(s.notFoundCode(), "%s %s does not exist", s.noun(), stream)
}

func (s *Service[S, C]) notFoundCode() events.Code {
	if s.info.NotFound == "" {
		return events.CodeNotFound
	}
	return s.info.NotFound
}

func (s *Service[S, C]) noun() string {
	if s.info.Noun == "" {
		return "stream"
	}
	return s.info.Noun
}

// latest is the version that asks Snapshot for the latest snapshot.
const latest = math.MaxInt64

// Rebuild folds the log of stream into the read model, which only moves
// forward: with catchUp from the state the read model holds, reading only
// the events after it (a start after a crash), and otherwise from the
// stream's first event (a replay). It hands each page of events read to
// each, if set, after folding it. It returns how many events it read and
// whether it stored a newer state.
func (s *Service[S, C]) Rebuild(ctx context.Context, stream string, catchUp bool, each func([]events.Event) error) (int64, bool, error) {
	f, err := s.restore(events.Snapshot{})
	if catchUp {
		f, err = s.current(ctx, stream)
	}
	var read int64
	for err == nil {
		var evs []events.Event
		if evs, err = s.store.Read(ctx, stream, f.version+1, events.MaxReadLimit); err != nil || len(evs) == 0 {
			break
		}
		if f, err = s.replay(f, evs); err == nil && each != nil {
			err = each(s.stamp(evs))
		}
		read += int64(len(evs))
		if len(evs) < events.MaxReadLimit {
			break
		}
	}
	if err != nil || f.version == 0 {
		return read, false, err
	}
	snap, err := s.snapshot(f)
	if err != nil {
		return read, false, err
	}
	stored, err := s.states.Put(ctx, stream, snap)
	return read, stored, err
}
