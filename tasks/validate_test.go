package tasks_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

type validateCase struct {
	Name                string             `json:"name"`
	Setup               []events.Command   `json:"setup"`
	Command             events.Command     `json:"command"`
	WantExpectedVersion int64              `json:"wantExpectedVersion"`
	WantTypes           []events.EventType `json:"wantTypes"`
	WantCode            events.Code        `json:"wantCode"`
	WantMessage         string             `json:"wantMessage"`
}

// TestValidate runs the cases of testdata/validate.json: each sets up an
// account through the pipeline steps, then validates one command.
func TestValidate(t *testing.T) {
	var cases []validateCase
	readJSON(t, "validate.json", &cases)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			e := newEnv(t)
			e.mustRun(t, tc.Setup...)
			before := e.log(t, tc.Command.AccountID)
			d, err := e.svc.Validate(context.Background(), tasks.ValidateInput{Command: tc.Command})
			if tc.WantCode != "" {
				checkRejection(t, err, tc.WantCode, tc.WantMessage)
			} else {
				checkDecision(t, d, err, tc)
			}
			if after := e.log(t, tc.Command.AccountID); len(after) != len(before) {
				t.Errorf("Validate wrote to the log: %d events before, %d after", len(before), len(after))
			}
		})
	}
}

func checkRejection(t *testing.T, err error, code events.Code, msg string) {
	t.Helper()
	var e *events.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *events.Error %s", err, code)
	}
	if e.Code != code || !strings.Contains(e.Message, msg) {
		t.Errorf("err = %s %q, want %s containing %q", e.Code, e.Message, code, msg)
	}
}

func checkDecision(t *testing.T, d tasks.Decision, err error, tc validateCase) {
	t.Helper()
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if d.ExpectedVersion != tc.WantExpectedVersion || !slices.Equal(types(d.Events), tc.WantTypes) {
		t.Fatalf("decision = v%d %v, want v%d %v", d.ExpectedVersion, types(d.Events), tc.WantExpectedVersion, tc.WantTypes)
	}
	for i, ev := range d.Events {
		v := tc.WantExpectedVersion + int64(i) + 1
		if ev.ID != events.EventID(tc.Command.AccountID, v) || ev.CommandID != tc.Command.CommandID || !ev.OccurredAt.Equal(t0) {
			t.Errorf("event %d = %+v, want id %s, command %s, occurredAt %s", i, ev, events.EventID(tc.Command.AccountID, v), tc.Command.CommandID, t0)
		}
	}
}

// TestDuplicateCommand checks that a command id applied before gets the
// same answer, even after later commands moved the account on, and that
// nothing new is written.
func TestDuplicateCommand(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	first := e.mustRun(t, open("acc-1", "c1"), deposit("acc-1", "c2", 100))[1]
	e.mustRun(t, withdraw("acc-1", "c3", 30))
	before := e.log(t, "acc-1")

	again := deposit("acc-1", "c2", 100)
	d, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: again})
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if d.ExpectedVersion != 1 || len(d.Events) != 1 || d.Events[0].ID != "acc-1:2" {
		t.Fatalf("decision = v%d %v, want v1 and the stored acc-1:2", d.ExpectedVersion, d.Events)
	}
	p, err := e.svc.Persist(ctx, tasks.PersistInput{Command: again, ExpectedVersion: d.ExpectedVersion, Events: d.Events})
	if err != nil || !p.Duplicate {
		t.Fatalf("Persist = %+v, %v; want a duplicate", p, err)
	}
	r, err := e.svc.Fold(ctx, tasks.EventsInput{Events: p.Events})
	if err != nil {
		t.Fatalf("Fold: %v", err)
	}
	if r.Version != first.Version || r.Balance != first.Balance || r.Balance != 100 {
		t.Errorf("duplicate answer = v%d balance %d, first answer v%d balance %d", r.Version, r.Balance, first.Version, first.Balance)
	}
	if after := e.log(t, "acc-1"); len(after) != len(before) {
		t.Errorf("log grew from %d to %d events", len(before), len(after))
	}
	cur, err := e.svc.GetAccount(ctx, "acc-1")
	if err != nil || cur.Version != 3 || cur.Balance != 70 {
		t.Errorf("read model = %+v, %v; want version 3 balance 70", cur, err)
	}
}

// TestPersistConflict checks that the second of two decisions on the same
// version gets VersionConflict and writes nothing.
func TestPersistConflict(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c1"))
	a, b := deposit("acc-1", "a", 5), deposit("acc-1", "b", 7)
	da, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: a})
	if err != nil {
		t.Fatal(err)
	}
	db, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: b})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Persist(ctx, tasks.PersistInput{Command: a, ExpectedVersion: da.ExpectedVersion, Events: da.Events}); err != nil {
		t.Fatalf("first Persist: %v", err)
	}
	_, err = e.svc.Persist(ctx, tasks.PersistInput{Command: b, ExpectedVersion: db.ExpectedVersion, Events: db.Events})
	if !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("second Persist = %v, want VersionConflict", err)
	}
	if got := e.log(t, "acc-1"); len(got) != 2 || got[1].CommandID != "a" {
		t.Errorf("log = %v, want the opening and command a", got)
	}
}

// oldSnapshots is a store whose snapshots were written before State held
// the opening time.
type oldSnapshots struct{ events.EventStore }

func (s oldSnapshots) Load(ctx context.Context, account string) (events.History, error) {
	h, err := s.EventStore.Load(ctx, account)
	h.Snapshot.OpenedAt = time.Time{}
	return h, err
}

// TestValidateOpeningFromAnOldSnapshot checks that an account loaded from a
// snapshot without an opening time still refuses a command dated before
// its opening: Validate reads the time from the AccountOpened event.
func TestValidateOpeningFromAnOldSnapshot(t *testing.T) {
	e := newEnv(t)
	e.mustRun(t, at(open("acc-1", "c0"), t0))
	for i := range events.SnapshotEvery {
		e.mustRun(t, at(deposit("acc-1", fmt.Sprintf("d%d", i), 5), t0.Add(time.Minute)))
	}
	old := oldSnapshots{e.store}
	svc, err := tasks.New(old, e.store, e.pub, tasks.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := old.Load(context.Background(), "acc-1"); h.Snapshot.Version != events.SnapshotEvery || !h.Snapshot.OpenedAt.IsZero() {
		t.Fatalf("the test store did not load an old snapshot: %+v", h.Snapshot)
	}
	_, err = svc.Validate(context.Background(), tasks.ValidateInput{Command: at(deposit("acc-1", "late", 5), t0.Add(-time.Hour))})
	checkRejection(t, err, events.CodeOccurredBeforeOpening, "before account acc-1 opened, at 2026-11-23T10:00:00Z")
}
