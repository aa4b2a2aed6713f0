package tasks

import (
	"context"
	"strconv"
	"time"

	"github.com/stepfold/stepfold/events"
)

// AsOf names a point in an account's history: a version or a business time.
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

// GetAccountAt recomputes the state of account from its log, as of a
// version or a business time, starting from the nearest snapshot. For a
// business time the result's Version is that of the last event it folds.
//
// It returns AccountNotFound when the account did not exist at that point
// or has no such version, InvalidCommand for an empty AsOf, and the store's
// codes.
func (s *Service) GetAccountAt(ctx context.Context, account string, at AsOf) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	switch {
	case at.Version > 0:
		return s.atVersion(ctx, account, at.Version)
	case !at.Time.IsZero():
		return s.atTime(ctx, account, at.Time)
	}
	return events.State{}, events.Errorf(events.CodeInvalidCommand, "asOf needs a version of 1 or more or a business time")
}

func (s *Service) atVersion(ctx context.Context, account string, v int64) (events.State, error) {
	st, err := s.replayTo(ctx, account, v)
	switch {
	case err != nil:
		return events.State{}, err
	case st.Version == 0:
		return events.State{}, notFound(account)
	case st.Version < v:
		return events.State{}, events.Errorf(events.CodeAccountNotFound, "account %s has no version %d; its latest is %d", account, v, st.Version)
	}
	return st, nil
}

func (s *Service) atTime(ctx context.Context, account string, t time.Time) (events.State, error) {
	st, err := s.snapshotUntil(ctx, account, t)
	if err != nil {
		return events.State{}, err
	}
	st, seen, err := s.replayUntil(ctx, account, st, t)
	switch {
	case err != nil:
		return events.State{}, err
	case seen == 0:
		return events.State{}, notFound(account)
	case st.Status == events.StatusNone:
		return events.State{}, events.Errorf(events.CodeAccountNotFound, "account %s was not open yet at %s", account, t.UTC().Format(time.RFC3339Nano))
	}
	return st, nil
}

// snapshotUntil returns the latest snapshot that folds only events at or
// before t, or the zero State. LastOccurredAt is a running maximum, so it
// grows with the snapshot version and a binary search finds the snapshot.
func (s *Service) snapshotUntil(ctx context.Context, account string, t time.Time) (events.State, error) {
	top, err := s.store.Snapshot(ctx, account, latest)
	if err != nil || top.Version == 0 || !top.LastOccurredAt.After(t) {
		return top, err
	}
	// Invariant: the snapshot at lo·SnapshotEvery (or the zero State) is
	// at or before t, and the one at hi·SnapshotEvery is after it.
	var best events.State
	lo, hi := int64(0), top.Version/events.SnapshotEvery
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		snap, err := s.store.Snapshot(ctx, account, mid*events.SnapshotEvery)
		if err != nil {
			return events.State{}, err
		}
		if snap.LastOccurredAt.After(t) {
			hi = mid
		} else {
			lo, best = mid, snap
		}
	}
	return best, nil
}

// replayUntil folds over st every later event of the log whose business
// time is at or before t. It also returns the last version it read.
func (s *Service) replayUntil(ctx context.Context, account string, st events.State, t time.Time) (events.State, int64, error) {
	seen := st.Version
	for {
		evs, err := s.store.Read(ctx, account, seen+1, s.pageSize)
		if err != nil || len(evs) == 0 {
			return st, seen, err
		}
		// ReplayUntil checks that versions follow on from its state's, so
		// start it from the last version read, not the last one folded.
		from := st
		from.Version = seen
		out, err := events.ReplayUntil(from, evs, t)
		if err != nil {
			return events.State{}, 0, err
		}
		if out.Version > seen {
			st = out
		}
		seen = evs[len(evs)-1].Version
		if len(evs) < s.pageSize {
			return st, seen, nil
		}
	}
}
