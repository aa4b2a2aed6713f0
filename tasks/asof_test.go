package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

// history builds acc-1 with 47 events (four snapshots) whose business
// times mostly grow by an hour, with every seventh event backdated by a
// day (still after the opening, two days before t0), and returns the log.
func history(t *testing.T, e env) []events.Event {
	t.Helper()
	e.mustRun(t, at(open("acc-1", "c0"), t0.Add(-48*time.Hour)))
	for i := 1; i < 47; i++ {
		when := t0.Add(time.Duration(i) * time.Hour)
		if i%7 == 0 {
			when = when.Add(-24 * time.Hour)
		}
		c := deposit("acc-1", fmt.Sprintf("d%d", i), int64(i*10))
		if i%5 == 0 {
			c = withdraw("acc-1", fmt.Sprintf("w%d", i), 5)
		}
		e.mustRun(t, at(c, when))
	}
	return e.log(t, "acc-1")
}

// foldUntil folds, with the domain, the events of log whose business time
// is at or before until (all of them when until is zero), in log order.
func foldUntil(t *testing.T, log []events.Event, until time.Time) (account.State, int) {
	t.Helper()
	d := account.Domain{}
	defs := map[string]events.EventDef{}
	for _, def := range d.Info().Events {
		defs[def.Type] = def
	}
	s, n := d.Initial(), 0
	for _, e := range log {
		if !until.IsZero() && e.OccurredAt.After(until) {
			continue
		}
		f, err := defs[e.Type].Read(e)
		if err != nil {
			t.Fatal(err)
		}
		s, n = d.Evolve(s, f), n+1
	}
	return s, n
}

// TestStateAt compares, for every version and for business times around
// every event, the state from the nearest snapshot with a fold of the
// whole log, for several store page sizes.
func TestStateAt(t *testing.T) {
	for _, size := range []int{1, 3, events.MaxReadLimit} {
		t.Run(fmt.Sprintf("page size %d", size), func(t *testing.T) {
			e := newEnv(t, tasks.WithPageSize(size))
			log := history(t, e)
			for v := int64(1); v <= int64(len(log)); v++ {
				want, _ := foldUntil(t, log[:v], time.Time{})
				checkAt(t, e, tasks.AsOf{Version: v}, want)
			}
			for _, ev := range log {
				for _, d := range []time.Duration{-time.Second, 0, time.Second} {
					when := ev.OccurredAt.Add(d)
					if want, n := foldUntil(t, log, when); n > 0 {
						checkAt(t, e, tasks.AsOf{Time: when}, want)
					}
				}
			}
		})
	}
}

func checkAt(t *testing.T, e env, at tasks.AsOf, want account.State) {
	t.Helper()
	raw, err := e.svc.StateAt(context.Background(), "acc-1", at)
	var got account.State
	if err == nil {
		err = json.Unmarshal(raw, &got)
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("StateAt(%+v) = %+v, %v\nwant %+v", at, got, err, want)
	}
}

func TestStateAtErrors(t *testing.T) {
	e := newEnv(t)
	e.mustRun(t, at(open("acc-1", "c0"), t0), at(deposit("acc-1", "c1", 5), t0.Add(time.Hour)))
	tests := []struct {
		name    string
		account string
		at      tasks.AsOf
		want    error
	}{
		{"version past the end", "acc-1", tasks.AsOf{Version: 3}, account.ErrAccountNotFound},
		{"before the opening", "acc-1", tasks.AsOf{Time: t0.Add(-time.Second)}, account.ErrAccountNotFound},
		{"unknown account by version", "acc-2", tasks.AsOf{Version: 1}, account.ErrAccountNotFound},
		{"unknown account by time", "acc-2", tasks.AsOf{Time: t0}, account.ErrAccountNotFound},
		{"bad id", "a b", tasks.AsOf{Version: 1}, account.ErrAccountNotFound},
		{"no point", "acc-1", tasks.AsOf{}, events.ErrInvalidCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := e.svc.StateAt(context.Background(), tt.account, tt.at); !errors.Is(err, tt.want) {
				t.Errorf("StateAt = %s, %v; want %v", got, err, tt.want)
			}
		})
	}
}
