package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

type validateCase struct {
	Name                string            `json:"name"`
	Setup               []account.Command `json:"setup"`
	Command             json.RawMessage   `json:"command"`
	WantExpectedVersion int64             `json:"wantExpectedVersion"`
	WantTypes           []string          `json:"wantTypes"`
	WantCode            events.Code       `json:"wantCode"`
	WantMessage         string            `json:"wantMessage"`
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
			var c struct {
				AccountID string `json:"accountId"`
				CommandID string `json:"commandId"`
			}
			_ = json.Unmarshal(tc.Command, &c)
			before := e.log(t, c.AccountID)
			d, err := e.svc.Validate(context.Background(), tasks.ValidateInput{Command: tc.Command})
			if tc.WantCode != "" {
				checkRejection(t, err, tc.WantCode, tc.WantMessage)
			} else {
				checkDecision(t, d, err, tc, c.AccountID, c.CommandID)
			}
			if after := e.log(t, c.AccountID); len(after) != len(before) {
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

func checkDecision(t *testing.T, d tasks.Decision, err error, tc validateCase, acc, cmd string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if d.ExpectedVersion != tc.WantExpectedVersion || !slices.Equal(types(d.Events), tc.WantTypes) {
		t.Fatalf("decision = v%d %v, want v%d %v", d.ExpectedVersion, types(d.Events), tc.WantExpectedVersion, tc.WantTypes)
	}
	for i, ev := range d.Events {
		v := tc.WantExpectedVersion + int64(i) + 1
		if ev.ID != events.EventID(acc, v) || ev.CommandID != cmd || !ev.OccurredAt.Equal(t0) || ev.StreamKey != "account" || ev.SchemaVersion != 1 {
			t.Errorf("event %d = %+v, want id %s, command %s, occurredAt %s, stream key account, schema 1", i, ev, events.EventID(acc, v), cmd, t0)
		}
	}
	if d.Fingerprint == "" || d.Snapshots == nil {
		t.Errorf("decision has fingerprint %q and snapshots %v; want a fingerprint and a (possibly empty) list", d.Fingerprint, d.Snapshots)
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

	again := cmdJSON(deposit("acc-1", "c2", 100))
	d, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: again})
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if d.ExpectedVersion != 1 || len(d.Events) != 1 || d.Events[0].ID != "acc-1:2" {
		t.Fatalf("decision = v%d %v, want v1 and the stored acc-1:2", d.ExpectedVersion, d.Events)
	}
	p, err := e.svc.Persist(ctx, persistInput(d))
	if err != nil || !p.Duplicate {
		t.Fatalf("Persist = %+v, %v; want a duplicate", p, err)
	}
	reply, err := e.svc.Fold(ctx, tasks.EventsInput{Events: p.Events})
	if err != nil {
		t.Fatalf("Fold: %v", err)
	}
	var r account.Result
	if err := json.Unmarshal(reply, &r); err != nil || r.Version != first.Version || r.Balance != first.Balance || r.Balance != 100 {
		t.Errorf("duplicate answer = %s, first answer v%d balance %d", reply, first.Version, first.Balance)
	}
	if after := e.log(t, "acc-1"); len(after) != len(before) {
		t.Errorf("log grew from %d to %d events", len(before), len(after))
	}
	cur, err := e.state(t, "acc-1")
	if err != nil || cur.Version != 3 || cur.Balance != 70 {
		t.Errorf("read model = %+v, %v; want version 3 balance 70", cur, err)
	}
}

// TestReusedKey checks that the command id of a deposit sent again with
// another amount is refused, by Validate and, if it got that far, by
// Persist, and writes nothing.
func TestReusedKey(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c1"), deposit("acc-1", "c2", 100))
	_, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: cmdJSON(deposit("acc-1", "c2", 101))})
	checkRejection(t, err, events.CodeIdempotencyKeyReused, "c2 was already used")
	d, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: cmdJSON(deposit("acc-1", "c2", 100))})
	if err != nil {
		t.Fatal(err)
	}
	d.Fingerprint = events.Fingerprint(strings.Repeat("f", 64))
	_, err = e.svc.Persist(ctx, persistInput(d))
	checkRejection(t, err, events.CodeIdempotencyKeyReused, "c2 was already used")
	if got := e.log(t, "acc-1"); len(got) != 2 {
		t.Errorf("log holds %d events, want 2", len(got))
	}
}

// TestPersistConflict checks that the second of two decisions on the same
// version gets VersionConflict and writes nothing.
func TestPersistConflict(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.mustRun(t, open("acc-1", "c1"))
	da, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: cmdJSON(deposit("acc-1", "a", 5))})
	if err != nil {
		t.Fatal(err)
	}
	db, err := e.svc.Validate(ctx, tasks.ValidateInput{Command: cmdJSON(deposit("acc-1", "b", 7))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Persist(ctx, persistInput(da)); err != nil {
		t.Fatalf("first Persist: %v", err)
	}
	_, err = e.svc.Persist(ctx, persistInput(db))
	if !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("second Persist = %v, want VersionConflict", err)
	}
	if got := e.log(t, "acc-1"); len(got) != 2 || got[1].CommandID != "a" {
		t.Errorf("log = %v, want the opening and command a", got)
	}
}

// persistInput is what the state machine gives Persist after d.
func persistInput(d tasks.Decision) tasks.PersistInput {
	return tasks.PersistInput{ExpectedVersion: d.ExpectedVersion, Events: d.Events, Snapshots: d.Snapshots, Fingerprint: d.Fingerprint}
}
