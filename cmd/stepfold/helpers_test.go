package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
)

// fastClock is the wall clock with retry delays skipped, so that a run
// that exhausts its retries ends at once.
type fastClock struct{}

func (fastClock) Now() time.Time { return time.Now() }

func (fastClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func (fastClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// newTestApp opens the whole system over a fresh data directory and serves
// it on an httptest server.
func newTestApp(t testing.TB, dir string, tweak func(*appConfig)) (*app, string) {
	t.Helper()
	cfg := appConfig{data: dir, history: 1000, log: slog.New(slog.DiscardHandler), clock: fastClock{}}
	if tweak != nil {
		tweak(&cfg)
	}
	a, err := openApp(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.handler(cfg.log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if err := a.close(context.Background()); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return a, srv.URL
}

// call sends one request and returns the status and the decoded body. A
// POST carries Content-Type: application/json unless header sets another.
func call(t testing.TB, method, url, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: body %q is not a JSON object: %v", method, url, b, err)
		}
	}
	return resp.StatusCode, m
}

// mustCall is call that fails the test on an unexpected status.
func mustCall(t *testing.T, want int, method, url, body string, header ...string) map[string]any {
	t.Helper()
	status, m := call(t, method, url, body, header...)
	if status != want {
		t.Fatalf("%s %s %s: status %d %v, want %d", method, url, body, status, m, want)
	}
	return m
}

// dump renders everything the app holds: every account's events and
// read-model state, and the dead letters.
func dump(t *testing.T, a *app) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	s := bank(a).store
	ids, err := s.Streams(ctx, "", events.MaxReadLimit)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		evs, err := s.Read(ctx, id, 1, events.MaxReadLimit)
		if err != nil {
			t.Fatal(err)
		}
		st, err := bank(a).states.Get(ctx, id)
		fmt.Fprintf(&b, "%s events=%s state=%+v err=%v\n", id, mustJSON(t, evs), st, err)
	}
	dls, err := s.DeadLetters().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "dlq=%s\n", mustJSON(t, dls))
	return b.String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runCLI runs the real main with args and returns its exit code and output.
func runCLI(t *testing.T, ctx context.Context, environ []string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr, environ)
	return code, stdout.String(), stderr.String()
}

// server is the real main running serve in this process.
type server struct {
	url    string
	dir    string
	cancel context.CancelFunc
	done   chan int
	stderr *lockedBuffer
}

// lockedBuffer is a bytes.Buffer safe for the server's logger and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMain runs "stepfold serve" on port 0 over dir, through run, and
// waits until it listens.
func startMain(t *testing.T, dir string, environ ...string) *server {
	t.Helper()
	return startServe(t, dir, nil, environ...)
}

// startServe is startMain with more serve flags.
func startServe(t *testing.T, dir string, flags []string, environ ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{dir: dir, cancel: cancel, done: make(chan int, 1), stderr: &lockedBuffer{}}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, flags...)
	go func() {
		s.done <- run(ctx, args, io.Discard, s.stderr, environ)
	}()
	waitListening(t, s)
	return s
}

// waitListening waits until the server has written server.json.
func waitListening(t *testing.T, s *server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if info, ok := readServerInfo(s.dir); ok {
			s.url = "http://" + info.Addr
			return
		}
		select {
		case code := <-s.done:
			t.Fatalf("serve exited with %d before listening:\n%s", code, s.stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen within 10s:\n%s", s.stderr)
		}
	}
}

func waitABit() { time.Sleep(10 * time.Millisecond) }

// stop shuts the server down as SIGTERM would and returns its exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		if _, err := os.Stat(filepath.Join(s.dir, serverFile)); !os.IsNotExist(err) {
			t.Errorf("%s still exists after shutdown", serverFile)
		}
		return code
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not shut down within 40s")
		return -1
	}
}

// bank is the bank account's service of a.
func bank(a *app) *service { return a.service("account") }

// runBank runs a bank command through its state machine.
func runBank(ctx context.Context, a *app, c account.Command) (httpapi.Outcome, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return httpapi.Outcome{}, err
	}
	return bank(a).runner.Run(ctx, c.CommandID, b)
}

// accountState reads an account's state from a bank read model.
func accountState(t testing.TB, states events.StateStore, id string) (account.State, error) {
	t.Helper()
	snap, err := states.Get(context.Background(), id)
	if err != nil {
		return account.State{}, err
	}
	var s account.State
	if err := json.Unmarshal(snap.State, &s); err != nil {
		t.Fatalf("the state of %s: %v", id, err)
	}
	return s, nil
}
