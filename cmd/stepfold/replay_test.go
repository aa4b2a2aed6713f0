package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
)

// appendDirect writes n deposits (after an opening, if the account has no
// events) straight into the log, through Validate and Persist only, as a
// crash between Persist and Fold leaves them.
func appendDirect(t *testing.T, s *boltstore.Store, id string, n int) {
	t.Helper()
	ctx := context.Background()
	svc, err := tasks.New(account.Domain{}, s, s, &eventstest.Recorder{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v := h.Snapshot.Version + int64(len(h.Events))
	cmds := []account.Command{}
	if v == 0 {
		cmds = append(cmds, account.Command{Type: account.OpenAccount, AccountID: id, Currency: "EUR"})
	}
	for i := range n {
		cmds = append(cmds, account.Command{Type: account.Deposit, AccountID: id, Amount: int64(10 * (i + 1))})
	}
	for i, c := range cmds {
		c.CommandID = fmt.Sprintf("direct-%d-%d", v, i)
		b, _ := json.Marshal(c)
		d, err := svc.Validate(ctx, tasks.ValidateInput{Command: b})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Persist(ctx, tasks.PersistInput{ExpectedVersion: d.ExpectedVersion, Events: d.Events, Snapshots: d.Snapshots, Fingerprint: d.Fingerprint}); err != nil {
			t.Fatal(err)
		}
	}
}

// foldBank folds a log of account events with the bank's domain.
func foldBank(t *testing.T, evs []events.Event) account.State {
	t.Helper()
	d := account.Domain{}
	defs := map[string]events.EventDef{}
	for _, def := range d.Info().Events {
		defs[def.Type] = def
	}
	s := d.Initial()
	for _, e := range evs {
		f, err := defs[e.Type].Read(e)
		if err != nil {
			t.Fatal(err)
		}
		s = d.Evolve(s, f)
	}
	return s
}

// checkFolded asserts that the read model equals the fold of the log for
// every account.
func checkFolded(t *testing.T, s, states *boltstore.Store) int {
	t.Helper()
	ctx := context.Background()
	ids, err := s.Streams(ctx, "", events.MaxReadLimit)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		evs, err := s.Read(ctx, id, 1, events.MaxReadLimit)
		if err != nil {
			t.Fatal(err)
		}
		want := foldBank(t, evs)
		got, err := accountState(t, states, id)
		if err != nil || mustJSON(t, got) != mustJSON(t, want) {
			t.Errorf("%s: read model %+v (%v), fold of the log %+v", id, got, err, want)
		}
	}
	return len(ids)
}

func TestReplay(t *testing.T) {
	dir := t.TempDir()
	s, err := openStore(dir, filepath.Join(dir, "account"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		appendDirect(t, s, fmt.Sprintf("acc-%d", i), 20)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	code, out, errOut := runCLI(t, ctx, nil, "replay", "--data", dir, "--republish", "archive-all-events")
	if code != 0 || !strings.Contains(out, "replayed 5 accounts, 105 events in") || !strings.Contains(out, "events/s); 5 accounts moved forward") {
		t.Fatalf("replay: %d\n%s%s", code, out, errOut)
	}
	s = openStoreT(t, dir)
	states := openStatesT(t, dir)
	if n := checkFolded(t, s, states); n != 5 {
		t.Fatalf("%d accounts", n)
	}
	_ = s.Close()
	_ = states.Close()
	if !strings.Contains(out, "republished 105 events to rule archive-all-events (target archive); left out 0 events archive.jsonl already holds") {
		t.Errorf("replay --republish does not say what it sent:\n%s", out)
	}
	checkArchive(t, dir, 105)
	code, out, _ = runCLI(t, ctx, nil, "replay", "--data", dir)
	if code != 0 || !strings.Contains(out, "0 accounts moved forward") {
		t.Fatalf("a second replay moved the read model: %s", out)
	}
	code, _, errOut = runCLI(t, ctx, nil, "replay", "--data", dir, "--republish", "nope")
	if code != 1 || !strings.Contains(errOut, `no rule named "nope"`) {
		t.Fatalf("unknown rule: %d %s", code, errOut)
	}
}

// checkArchive asserts that the archive holds each of the n events of
// the log once.
func checkArchive(t *testing.T, dir string, n int) {
	t.Helper()
	ids, err := archivedIDs(filepath.Join(dir, "account", archiveFile))
	b, _ := os.ReadFile(filepath.Join(dir, "account", archiveFile))
	if lines := strings.Count(string(b), "\n"); err != nil || len(ids) != n || lines != n {
		t.Fatalf("the archive holds %d lines, %d distinct events, want each of the %d events once (%v)", lines, len(ids), n, err)
	}
}

// TestRepublishToTheArchive republishes to the archive twice, then after
// losing its tail, and checks that it holds every event once: a
// republish appends only what the archive lacks, and says so.
func TestRepublishToTheArchive(t *testing.T) {
	dir := t.TempDir()
	s, err := openStore(dir, filepath.Join(dir, "account"))
	if err != nil {
		t.Fatal(err)
	}
	appendDirect(t, s, "acc-1", 20)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var outs []string
	republish := func() {
		t.Helper()
		code, out, errOut := runCLI(t, ctx, nil, "replay", "--data", dir, "--republish", "archive-all-events")
		if code != 0 {
			t.Fatalf("replay --republish: %d\n%s%s", code, out, errOut)
		}
		outs = append(outs, out)
	}
	republish()
	republish()
	checkArchive(t, dir, 21)
	path := filepath.Join(dir, "account", archiveFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	torn := strings.Join(lines[:16], "") + lines[16][:10] // a machine crash lost the tail
	if err := os.WriteFile(path, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	republish()
	ids, err := archivedIDs(path)
	if err != nil || len(ids) != 21 {
		t.Fatalf("after the republish the archive holds %d of the 21 events (%v)", len(ids), err)
	}
	for i, want := range []string{
		"republished 21 events to rule archive-all-events (target archive); left out 0 events archive.jsonl already holds",
		"republished 0 events to rule archive-all-events (target archive); left out 21 events archive.jsonl already holds",
		"republished 5 events to rule archive-all-events (target archive); left out 16 events archive.jsonl already holds",
	} {
		if !strings.Contains(outs[i], want) {
			t.Errorf("republish %d printed\n%s\nwant %q", i+1, outs[i], want)
		}
	}
}

// TestCatchUpOnStart leaves the read model behind the log and checks that
// serve folds the difference before it listens.
func TestCatchUpOnStart(t *testing.T) {
	dir := t.TempDir()
	s := startMain(t, dir)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	if code := s.stop(t); code != 0 {
		t.Fatal(code)
	}
	st := openStoreT(t, dir)
	appendDirect(t, st, "acc-1", 3)
	appendDirect(t, st, "acc-2", 12)
	_ = st.Close()

	s = startMain(t, dir)
	got := mustCall(t, 200, "GET", s.url+"/accounts/acc-1", "")
	if got["version"] != 4.0 || got["balance"] != 60.0 {
		t.Fatalf("acc-1 after catch-up: %v", got)
	}
	mustCall(t, 200, "GET", s.url+"/accounts/acc-2", "")
	if code := s.stop(t); code != 0 {
		t.Fatal(code)
	}
	if !strings.Contains(s.stderr.String(), `"msg":"read model caught up","domain":"account","streams":2,"eventsFolded":16,"streamsUpdated":2`) {
		t.Errorf("no catch-up line in the log:\n%s", s.stderr)
	}
	st = openStoreT(t, dir)
	defer st.Close()
	checkFolded(t, st, openStatesT(t, dir))
}
