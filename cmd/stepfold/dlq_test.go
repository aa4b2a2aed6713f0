package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
)

// flaky fails every Publish while fail is set.
type flaky struct {
	events.Publisher
	fail *atomic.Bool
}

func (f flaky) Publish(ctx context.Context, evs []events.Event) error {
	if f.fail.Load() {
		return events.Errorf(events.CodePublishFailed, "the bus is down (test)")
	}
	return f.Publisher.Publish(ctx, evs)
}

// deadLetterDeposit leaves in dir an account acc-1 with a deposit of 700
// (command dep-1) in the dead-letter queue: its events persisted, its
// publish failed past every retry, so the read model holds a balance of 0.
func deadLetterDeposit(t *testing.T, dir string) {
	t.Helper()
	var fail atomic.Bool
	a, err := openApp(appConfig{data: dir, history: 100, log: slog.New(slog.DiscardHandler), clock: fastClock{},
		publisher: func(p events.Publisher) events.Publisher { return flaky{p, &fail} }})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.handler(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	mustCall(t, 201, "POST", srv.URL+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	fail.Store(true)
	res := mustCall(t, 500, "POST", srv.URL+"/accounts/acc-1/deposits", `{"amount":700}`, "Idempotency-Key", "dep-1")
	if res["error"] != "PublishFailed" {
		t.Fatalf("failed deposit: %v", res)
	}
	if st := mustCall(t, 200, "GET", srv.URL+"/accounts/acc-1", ""); st["balance"] != 0.0 {
		t.Fatalf("read model folded an unpublished deposit: %v", st)
	}
	srv.Close()
	if err := a.close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestDeadLetterRedrive sends a command to the dead-letter queue, then
// lists, shows and redrives it with the CLI on the data directory, twice
// over.
func TestDeadLetterRedrive(t *testing.T) {
	dir := t.TempDir()
	deadLetterDeposit(t, dir)
	ctx := context.Background()
	code, out, errOut := runCLI(t, ctx, nil, "dlq", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "Deposit acc-1 (command dep-1) failed at Publish: PublishFailed") || !strings.Contains(out, "1 message(s)") {
		t.Fatalf("dlq list: %d\n%s%s", code, out, errOut)
	}
	id := regexp.MustCompile(`(?m)^account:(\d{20})\s`).FindStringSubmatch(out)[1]
	code, out, _ = runCLI(t, ctx, nil, "dlq", "show", id, "--data", dir)
	if code != 0 || !strings.Contains(out, `"failedStep": "Publish"`) || !strings.Contains(out, `"commandId": "dep-1"`) || !strings.Contains(out, `"persistedEvents"`) {
		t.Fatalf("dlq show: %d\n%s", code, out)
	}
	code, out, errOut = runCLI(t, ctx, nil, "dlq", "--data", dir, "redrive", id)
	if code != 0 || !strings.Contains(out, id+"\tok\tcommand dep-1 ran to the end") {
		t.Fatalf("dlq redrive: %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, ctx, nil, "dlq", "--data", dir, "redrive", id)
	if code != 1 || errOut == "" {
		t.Fatalf("redriving a deleted message: %d %q", code, errOut)
	}
	s := openStoreT(t, dir)
	st, err := accountState(t, openStatesT(t, dir), "acc-1")
	if err != nil || st.Balance != 700 || st.Version != 2 {
		t.Fatalf("after redrive: %+v %v", st, err)
	}
	if evs, _ := s.Read(ctx, "acc-1", 1, 10); len(evs) != 2 {
		t.Fatalf("the redrive wrote %d events, want the 2 of before", len(evs))
	}
	if dls, _ := s.DeadLetters().List(ctx); len(dls) != 0 {
		t.Fatalf("dead letters left: %v", dls)
	}
	_ = s.Close()
	if b, err := os.ReadFile(filepath.Join(dir, "account", archiveFile)); err != nil || !strings.Contains(string(b), `"id":"acc-1:2"`) {
		t.Errorf("the redriven deposit did not reach the archive: %v", err)
	}
}

// TestBusDeadLetterRedrive dead-letters an event that a webhook refuses and
// redrives it, with --all, through the admin routes of a running server.
func TestBusDeadLetterRedrive(t *testing.T) {
	var up atomic.Bool
	var got atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !up.Load() {
			http.Error(w, "not today", http.StatusBadRequest)
			return
		}
		if strings.Contains(string(b), `"detail-type":"AccountOpened"`) {
			got.Add(1)
		}
	}))
	defer hook.Close()
	dir := t.TempDir()
	rulesFile := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rulesFile, []byte(`{"source":"stepfold.accounts","rules":[
		{"name":"to-crm","description":"openings to the CRM","eventPattern":{"detail-type":["AccountOpened"]},"target":"crm"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs lockedBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--rules", rulesFile}, io.Discard, &logs, []string{"STEPFOLD_WEBHOOK_CRM=" + hook.URL})
	}()
	s := &server{dir: dir, cancel: cancel, done: done, stderr: &logs}
	waitListening(t, s)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-9","currency":"EUR"}`)
	var out string
	for range 200 { // the bus delivers after the command returns
		_, out, _ = runCLI(t, context.Background(), nil, "dlq", "list", "--data", dir)
		if strings.Contains(out, "1 message(s)") {
			break
		}
		waitABit()
	}
	if !strings.Contains(out, "stepfold-bus-crm") || !strings.Contains(out, "AccountOpened acc-9:1") {
		t.Fatalf("dlq list: %s\n%s", out, logs.String())
	}
	up.Store(true)
	code, out, errOut := runCLI(t, context.Background(), nil, "dlq", "redrive", "--all", "--data", dir)
	if code != 0 || !strings.Contains(out, "ok\tdelivered to crm") || !strings.Contains(out, "redrove 1 of 1 message(s)") || got.Load() != 1 {
		t.Fatalf("redrive --all: %d %q %q, webhook got %d", code, out, errOut, got.Load())
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exited with %d", code)
	}
}

// openStoreT opens the event log of a data directory no server holds.
func openStoreT(t *testing.T, dir string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(dir, "account", storeFile))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openStatesT opens the read model of a data directory no server holds.
// It is closed when t ends, if the test has not closed it first.
func openStatesT(t *testing.T, dir string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(dir, "account", readModelFile), boltstore.WithoutSync())
	if err != nil {
		t.Fatal(err)
	}
	if s.Discarded() {
		t.Fatal("the server left a read model that was not closed cleanly")
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestDeadLetterNotFound asks for and redrives ids that name no dead
// letter, through the admin routes and the CLI, with and without a
// server: each is a 404 MessageNotFound (exit 1 in the CLI), and the one
// dead letter stays, unredriven.
func TestDeadLetterNotFound(t *testing.T) {
	dir := t.TempDir()
	deadLetterDeposit(t, dir)
	s := startMain(t, dir)
	before := snapshot(t, s.url)
	for _, tc := range []struct{ method, path string }{
		{"POST", "/admin/dlq/nope/redrive"},
		{"POST", "/admin/dlq/00000000000000000099/redrive"},
		{"GET", "/admin/dlq/nope"},
		{"GET", "/admin/dlq/00000000000000000099"},
		{"GET", "/admin/dlq/redrive"},
	} {
		body := mustCall(t, 404, tc.method, s.url+tc.path, "")
		if body["error"] != "MessageNotFound" || !strings.Contains(body["message"].(string), "no dead letter has the id") {
			t.Errorf("%s %s: %v", tc.method, tc.path, body)
		}
	}
	code, _, errOut := runCLI(t, context.Background(), nil, "dlq", "redrive", "nope", "--data", dir)
	if code != 1 || !strings.Contains(errOut, `no dead letter has the id "nope"`) {
		t.Errorf("dlq redrive nope through the server: %d %q", code, errOut)
	}
	if after := snapshot(t, s.url); after != before {
		t.Errorf("the server's data changed:\nbefore %s\nafter  %s", before, after)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exited with %d", code)
	}
	for _, args := range [][]string{{"show", "nope"}, {"redrive", "00000000000000000099"}} {
		code, _, errOut := runCLI(t, context.Background(), nil, append([]string{"dlq", "--data", dir}, args...)...)
		if code != 1 || !strings.Contains(errOut, "MessageNotFound: no dead letter has the id") {
			t.Errorf("dlq %v on the data dir: %d %q", args, code, errOut)
		}
	}
}

// TestRedriveAllSaysHowMany redrives all with no dead letters, then with
// one, on the data directory and through a server.
func TestRedriveAllSaysHowMany(t *testing.T) {
	ctx := context.Background()
	empty := t.TempDir()
	code, out, errOut := runCLI(t, ctx, nil, "dlq", "redrive", "--all", "--data", empty)
	if code != 0 || out != "redrove 0 messages: the dead-letter queues are empty\n" {
		t.Errorf("redrive --all of nothing: %d %q %q", code, out, errOut)
	}
	s := startMain(t, empty)
	code, out, errOut = runCLI(t, ctx, nil, "dlq", "redrive", "--all", "--data", empty)
	if code != 0 || out != "redrove 0 messages: the dead-letter queues are empty\n" {
		t.Errorf("redrive --all of nothing through the server: %d %q %q", code, out, errOut)
	}
	s.stop(t)
	dir := t.TempDir()
	deadLetterDeposit(t, dir)
	code, out, errOut = runCLI(t, ctx, nil, "dlq", "redrive", "--all", "--data", dir)
	if code != 0 || !strings.Contains(out, "\tok\tcommand dep-1 ran to the end") || !strings.HasSuffix(out, "\nredrove 1 of 1 message(s)\n") {
		t.Errorf("redrive --all of one: %d %q %q", code, out, errOut)
	}
}
