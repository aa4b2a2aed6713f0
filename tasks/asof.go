package tasks

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/stepfold/stepfold/events"
)

// AsOf names a point in a stream's history: a version or a business time.
type AsOf struct {
	// Version, when above 0, asks for the state right after that version.
	Version int64
	// Time, when Version is 0, asks for the state as of that business time:
	// every event whose OccurredAt is at or before it, in log order,
	// including events recorded later with an earlier business time.
	Time time.Time
}

// ParseAsOf reads an asOf query value: a version ("12") or an RFC 3339
// time ("2026-11-23T10:00:00Z"). It returns InvalidCommand for anything else.
func ParseAsOf(s string) (AsOf, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v < 1 {
			return AsOf{}, events.Errorf(events.CodeInvalidCommand, "asOf version must be 1 or more, got %d", v)
		}
		return AsOf{Version: v}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return AsOf{}, events.Errorf(events.CodeInvalidCommand, "asOf %q is neither a version nor an RFC 3339 time such as 2026-11-23T10:00:00Z", s)
	}
	return AsOf{Time: t}, nil
}

// StateAt recomputes the state of stream from its log, as of a version or a
// business time, starting from the nearest snapshot.
//
// It returns the domain's NotFound code when the stream did not exist at
// that point or has no such version, InvalidCommand for an empty AsOf, and
// the store's codes.
func (s *Service[S, C]) StateAt(ctx context.Context, stream string, at AsOf) (json.RawMessage, error) {
	if err := s.checkStream(stream); err != nil {
		return nil, err
	}
	var f folded[S]
	var err error
	switch {
	case at.Version > 0:
		f, err = s.atVersion(ctx, stream, at.Version)
	case !at.Time.IsZero():
		f, err = s.atTime(ctx, stream, at.Time)
	default:
		err = events.Errorf(events.CodeInvalidCommand, "asOf needs a version of 1 or more or a business time")
	}
	if err != nil {
		return nil, err
	}
	snap, err := s.snapshot(f)
	return snap.State, err
}

func (s *Service[S, C]) atVersion(ctx context.Context, stream string, v int64) (folded[S], error) {
	f, err := s.replayTo(ctx, stream, v)
	switch {
	case err != nil:
		return f, err
	case f.version == 0:
		return f, s.notFound(stream)
	case f.version < v:
		return f, events.Errorf(s.notFoundCode(), "%s %s has no version %d; its latest is %d", s.noun(), stream, v, f.version)
	}
	return f, nil
}

func (s *Service[S, C]) atTime(ctx context.Context, stream string, t time.Time) (folded[S], error) {
	snap, err := s.snapshotUntil(ctx, stream, t)
	if err != nil {
		return folded[S]{}, err
	}
	f, err := s.restore(snap)
	if err != nil {
		return f, err
	}
	f, seen, folds, err := s.replayUntil(ctx, stream, f, t)
	switch {
	case err != nil:
		return f, err
	case seen == 0:
		return f, s.notFound(stream)
	case folds == 0 && snap.Version == 0:
		return f, events.Errorf(s.notFoundCode(), "%s %s did not exist yet at %s", s.noun(), stream, t.UTC().Format(time.RFC3339Nano))
	}
	return f, nil
}

// snapshotUntil returns the latest snapshot that folds only events at or
// before t, or the zero Snapshot. LastOccurredAt is a running maximum, so
// it grows with the snapshot version and a binary search finds the
// snapshot.
func (s *Service[S, C]) snapshotUntil(ctx context.Context, stream string, t time.Time) (events.Snapshot, error) {
	top, err := s.store.Snapshot(ctx, stream, latest)
	if err != nil || top.Version == 0 || !top.LastOccurredAt.After(t) {
		return top, err
	}
	// Invariant: the snapshot at lo·SnapshotEvery (or none) is at or
	// before t, and the one at hi·SnapshotEvery is after it.
	var best events.Snapshot
	lo, hi := int64(0), top.Version/events.SnapshotEvery
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		snap, err := s.store.Snapshot(ctx, stream, mid*events.SnapshotEvery)
		if err != nil {
			return events.Snapshot{}, err
		}
		if snap.LastOccurredAt.After(t) {
			hi = mid
		} else {
			lo, best = mid, snap
		}
	}
	return best, nil
}

// replayUntil folds over f every later event of the log whose business
// time is at or before t. It also returns the last version it read and how
// many events it folded. The folded state's version is the last version
// folded.
func (s *Service[S, C]) replayUntil(ctx context.Context, stream string, f folded[S], t time.Time) (folded[S], int64, int, error) {
	seen, folds := f.version, 0
	for {
		evs, err := s.store.Read(ctx, stream, seen+1, s.cfg.pageSize)
		if err != nil || len(evs) == 0 {
			return f, seen, folds, err
		}
		for _, e := range evs {
			if e.Version != seen+1 {
				return f, seen, folds, events.Errorf(events.CodeInternal, "event %s does not follow version %d", e.ID, seen)
			}
			seen = e.Version
			if e.OccurredAt.After(t) {
				continue
			}
			if f, err = s.foldSkipping(f, e); err != nil {
				return f, seen, folds, err
			}
			folds++
		}
		if len(evs) < s.cfg.pageSize {
			return f, seen, folds, nil
		}
	}
}

// foldSkipping folds e over f, where the events between f's version and e
// were skipped for their business time.
func (s *Service[S, C]) foldSkipping(f folded[S], e events.Event) (folded[S], error) {
	x, err := s.fact(e)
	if err != nil {
		return f, err
	}
	f.version = e.Version - 1
	return s.apply(f, x)
}
