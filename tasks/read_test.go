package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

func TestListEvents(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c0"))
	for i := range 24 {
		e.mustRun(t, deposit("acc-1", "d"+string(rune('a'+i)), int64(i+1)))
	}
	tests := []struct {
		name      string
		from      int64
		limit     int
		wantFirst int64
		wantLen   int
		wantNext  int64
	}{
		{"first page", 1, 10, 1, 10, 11},
		{"middle page", 11, 10, 11, 10, 21},
		{"last page", 21, 10, 21, 5, 0},
		{"exactly the rest", 16, 10, 16, 10, 0},
		{"all of it", 1, events.MaxReadLimit, 1, 25, 0},
		{"past the end", 26, 10, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.svc.Events(ctx, "acc-1", tt.from, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Events) != tt.wantLen || p.Next != tt.wantNext || p.Events == nil {
				t.Fatalf("page = %d events, next %d; want %d, next %d", len(p.Events), p.Next, tt.wantLen, tt.wantNext)
			}
			for i, ev := range p.Events {
				if ev.Version != tt.wantFirst+int64(i) {
					t.Errorf("event %d has version %d, want %d", i, ev.Version, tt.wantFirst+int64(i))
				}
			}
		})
	}
}

func TestListEventsErrors(t *testing.T) {
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c0"))
	tests := []struct {
		name    string
		account string
		from    int64
		limit   int
		want    error
	}{
		{"unknown account", "acc-2", 1, 10, account.ErrAccountNotFound},
		{"unknown account, later page", "acc-2", 5, 10, account.ErrAccountNotFound},
		{"bad id", "no/such", 1, 10, account.ErrAccountNotFound},
		{"from 0", "acc-1", 0, 10, events.ErrInvalidCommand},
		{"limit 0", "acc-1", 1, 0, events.ErrInvalidCommand},
		{"limit too big", "acc-1", 1, events.MaxReadLimit + 1, events.ErrInvalidCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.svc.Events(context.Background(), tt.account, tt.from, tt.limit); !errors.Is(err, tt.want) {
				t.Errorf("ListEvents = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestState(t *testing.T) {
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c0"), deposit("acc-1", "c1", 250))
	got, err := e.state(t, "acc-1")
	if err != nil || got.Version != 2 || got.Balance != 250 || got.Currency != "EUR" || got.Status != account.StatusOpen {
		t.Errorf("State = %+v, %v; want version 2, 250 EUR, open", got, err)
	}
	for _, id := range []string{"acc-2", "", "a:b", ".."} {
		if _, err := e.svc.State(context.Background(), id); !errors.Is(err, account.ErrAccountNotFound) {
			t.Errorf("State(%q) = %v, want AccountNotFound", id, err)
		}
	}
}

// TestEventsStampTheStreamKey checks that events read back carry the
// domain's stream key, so that their JSON names the account as it always
// did.
func TestEventsStampTheStreamKey(t *testing.T) {
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c0"))
	p, err := e.svc.Events(context.Background(), "acc-1", 1, 10)
	if err != nil || len(p.Events) != 1 {
		t.Fatalf("Events = %+v, %v", p, err)
	}
	b, err := json.Marshal(p.Events[0])
	if err != nil || !strings.HasPrefix(string(b), `{"id":"acc-1:1","account":"acc-1","version":1,"type":"AccountOpened"`) {
		t.Errorf("event JSON = %s, %v", b, err)
	}
}

func TestParseAsOf(t *testing.T) {
	tests := []struct {
		in   string
		want tasks.AsOf
		err  bool
	}{
		{"12", tasks.AsOf{Version: 12}, false},
		{"2026-11-23T10:00:00Z", tasks.AsOf{Time: t0}, false},
		{"2026-11-23T11:00:00.5+01:00", tasks.AsOf{Time: t0.Add(500 * time.Millisecond)}, false},
		{"0", tasks.AsOf{}, true},
		{"-3", tasks.AsOf{}, true},
		{"yesterday", tasks.AsOf{}, true},
		{"2026-11-23", tasks.AsOf{}, true},
		{"", tasks.AsOf{}, true},
	}
	for _, tt := range tests {
		got, err := tasks.ParseAsOf(tt.in)
		if tt.err {
			if !errors.Is(err, events.ErrInvalidCommand) {
				t.Errorf("ParseAsOf(%q) = %+v, %v; want InvalidCommand", tt.in, got, err)
			}
			continue
		}
		if err != nil || got.Version != tt.want.Version || !got.Time.Equal(tt.want.Time) {
			t.Errorf("ParseAsOf(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}
