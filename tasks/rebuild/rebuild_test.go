package rebuild_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/rebuild"
)

// seed writes accounts with n deposits each into the log, and folds each
// into the read model up to version folded (0: not at all).
func seed(t *testing.T, svc *tasks.Service[account.State, account.Command], accounts, n int, folded int64) {
	t.Helper()
	ctx := context.Background()
	for a := range accounts {
		id := fmt.Sprintf("acc-%03d", a)
		cmds := []account.Command{{Type: account.OpenAccount, AccountID: id, CommandID: "open", Currency: "EUR"}}
		for i := range n {
			cmds = append(cmds, account.Command{Type: account.Deposit, AccountID: id, CommandID: fmt.Sprintf("d%d", i), Amount: int64(i + 1)})
		}
		for v, c := range cmds {
			b, _ := json.Marshal(c)
			d, err := svc.Validate(ctx, tasks.ValidateInput{Command: b})
			if err != nil {
				t.Fatal(err)
			}
			p, err := svc.Persist(ctx, tasks.PersistInput{ExpectedVersion: d.ExpectedVersion, Events: d.Events, Snapshots: d.Snapshots, Fingerprint: d.Fingerprint})
			if err != nil {
				t.Fatal(err)
			}
			if int64(v+1) <= folded {
				if _, err := svc.Fold(ctx, tasks.EventsInput{Events: p.Events}); err != nil {
					t.Fatal(err)
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
			s, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"), boltstore.WithoutSync())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			svc, err := tasks.New(account.Domain{}, s, s, &eventstest.Recorder{})
			if err != nil {
				t.Fatal(err)
			}
			seed(t, svc, 3, 1100, tc.folded) // more than one Read page per account
			var republished int64
			tc.opt.Republish = func(_ context.Context, evs []events.Event) error { republished += int64(len(evs)); return nil }
			st, err := rebuild.Run(context.Background(), s, svc, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if st.Streams != 3 || st.Events != tc.wantEvents || st.Updated != tc.wantUpdated || republished != tc.wantEvents {
				t.Fatalf("stats %+v republished %d, want 3 accounts, %d events, %d updated", st, republished, tc.wantEvents, tc.wantUpdated)
			}
			for a := range 3 {
				raw, err := svc.State(context.Background(), fmt.Sprintf("acc-%03d", a))
				var got account.State
				if err == nil {
					err = json.Unmarshal(raw, &got)
				}
				if err != nil || got.Version != 1101 || got.Balance != 1100*1101/2 {
					t.Errorf("acc-%03d: %+v %v", a, got, err)
				}
			}
		})
	}
}
