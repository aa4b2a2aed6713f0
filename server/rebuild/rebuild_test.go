package rebuild_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
	"github.com/stepfold/stepfold/server/rebuild"
)

// seed writes accounts with n deposits each into the log, and stores the
// read model of each account as of version folded (0: none).
func seed(t *testing.T, s *boltstore.Store, accounts, n int, folded int64) {
	t.Helper()
	ctx := context.Background()
	for a := range accounts {
		id := fmt.Sprintf("acc-%03d", a)
		st := events.State{}
		cmds := []events.Command{{Type: events.OpenAccount, AccountID: id, Currency: "EUR"}}
		for i := range n {
			cmds = append(cmds, events.Command{Type: events.Deposit, AccountID: id, Amount: int64(i + 1)})
		}
		// Append in batches of 100 events, one command id each, to keep
		// the fsyncs few.
		for start := 0; start < len(cmds); start += 100 {
			batchID := fmt.Sprintf("batch-%d", start)
			var batch []events.Event
			next := st
			for _, c := range cmds[start:min(start+100, len(cmds))] {
				c.CommandID = batchID
				evs, err := events.Decide(next, c, nil, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				batch = append(batch, evs...)
				next, _ = events.Replay(next, evs)
			}
			if _, err := s.Append(ctx, id, st.Version, batch, batchID, ""); err != nil {
				t.Fatal(err)
			}
			for _, e := range batch {
				st, _ = events.Replay(st, []events.Event{e})
				if st.Version == folded {
					if _, err := s.Put(ctx, st); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name                    string
		opt                     rebuild.Options
		folded                  int64
		wantEvents, wantUpdated int64
	}{
		{"replay folds every event", rebuild.Options{}, 0, 3 * 1101, 3},
		{"replay over a current read model moves nothing", rebuild.Options{}, 1101, 3 * 1101, 0},
		{"catch-up folds only what is behind", rebuild.Options{CatchUp: true}, 1001, 3 * 100, 3},
		{"catch-up with nothing behind", rebuild.Options{CatchUp: true}, 1101, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			seed(t, s, 3, 1100, tc.folded) // more than one Read page per account
			var republished int64
			tc.opt.Republish = func(_ context.Context, evs []events.Event) error { republished += int64(len(evs)); return nil }
			st, err := rebuild.Run(context.Background(), s, s, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if st.Accounts != 3 || st.Events != tc.wantEvents || st.Updated != tc.wantUpdated || republished != tc.wantEvents {
				t.Fatalf("stats %+v republished %d, want 3 accounts, %d events, %d updated", st, republished, tc.wantEvents, tc.wantUpdated)
			}
			for a := range 3 {
				got, err := s.Get(context.Background(), fmt.Sprintf("acc-%03d", a))
				if err != nil || got.Version != 1101 || got.Balance != 1100*1101/2 {
					t.Errorf("acc-%03d: %+v %v", a, got, err)
				}
			}
		})
	}
}
