package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl"
)

// hotLine matches the first report line of a hot round.
var hotLine = regexp.MustCompile(`(?m)^hot (\w+) +(\d+) at once on a balance of (\d+): (\d+) accepted, (\d+) rejected by a rule, (\d+) failed \(([\d.]+)% answered\)  p50 \S+  p99 \S+  max \S+$`)

// TestBenchHot drives the whole app, with the retry delays of the
// definition on the wall clock, with 24 withdrawals at once: every one is
// answered, accepted or refused for want of funds, and bench's own checks
// of the balance and the log pass.
func TestBenchHot(t *testing.T) {
	_, url := newTestApp(t, t.TempDir(), func(c *appConfig) { c.clock = asl.SystemClock{} })
	code, out, errOut := runCLI(t, context.Background(), nil, "bench", "--hot", "24", "--addr", strings.TrimPrefix(url, "http://"))
	if code != 0 {
		t.Fatalf("bench --hot exited %d:\n%s%s", code, out, errOut)
	}
	want := map[string][3]int{"funded": {48, 24, 0}, "short": {8, 8, 16}} // opening, accepted, rejected
	got := hotLine.FindAllStringSubmatch(out, -1)
	if len(got) != 2 {
		t.Fatalf("report:\n%s\nwant a line for each of funded and short", out)
	}
	for _, m := range got {
		w, ok := want[m[1]]
		n := atoi(t, m[2], m[3], m[4], m[5], m[6])
		if !ok || n[0] != 24 || n[1] != w[0] || n[2] != w[1] || n[3] != w[2] || n[4] != 0 || m[7] != "100.0" {
			t.Errorf("%s: %s; want 24 sent on %d, %d accepted, %d rejected, none failed", m[1], m[0], w[0], w[1], w[2])
		}
		if !strings.Contains(out, "hot "+fmt.Sprintf("%-6s", m[1])+" checked: balance ") {
			t.Errorf("%s: no checked line in\n%s", m[1], out)
		}
	}
}

func atoi(t *testing.T, ss ...string) []int {
	t.Helper()
	out := make([]int, len(ss))
	for i, s := range ss {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = n
	}
	return out
}

// fakeBank answers the routes bench --hot uses, with withdrawals that
// take turns at being accepted, refused, conflicted and cut off, and
// reads that lie: a balance as if every withdrawal had been accepted, and
// a log with a gap. bench must report each kind of answer and refuse the
// reads.
func fakeBank(t *testing.T) string {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/accounts":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{}`)
		case strings.HasSuffix(r.URL.Path, "/deposits"):
			fmt.Fprint(w, `{}`)
		case strings.HasSuffix(r.URL.Path, "/withdrawals"):
			answerWithdrawal(w, n.Add(1))
		case strings.HasSuffix(r.URL.Path, "/events"):
			fmt.Fprint(w, `{"events":[{"version":1,"type":"AccountOpened"},{"version":3,"type":"FundsDeposited"}]}`)
		default:
			fmt.Fprint(w, `{"balance":0,"version":2}`)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func answerWithdrawal(w http.ResponseWriter, i int64) {
	switch i % 4 {
	case 0:
		fmt.Fprint(w, `{}`)
	case 1:
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprint(w, `{"error":"InsufficientFunds","message":"no"}`)
	case 2:
		w.WriteHeader(http.StatusConflict)
		fmt.Fprint(w, `{"error":"VersionConflict","message":"again"}`)
	default:
		hj, _ := w.(http.Hijacker)
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
		}
	}
}

// TestBenchHotReportsAndChecks runs bench --hot against fakeBank.
func TestBenchHotReportsAndChecks(t *testing.T) {
	addr := fakeBank(t)
	code, out, errOut := runCLI(t, context.Background(), nil, "bench", "--hot", "8", "--addr", addr)
	if code != 1 {
		t.Fatalf("bench exited %d, want 1 for the reads that disagree:\n%s%s", code, out, errOut)
	}
	mustContain(t, "report", out,
		"hot funded 8 at once on a balance of 16: 2 accepted, 2 rejected by a rule, 4 failed (50.0% answered, below the target)",
		"hot funded failed: 409 VersionConflict ×2, no answer ×2",
		"hot funded the first without an answer: ",
		"hot short  8 at once on a balance of 2: 2 accepted, 2 rejected by a rule, 4 failed")
	mustContain(t, "errors", errOut,
		"hot funded: balance 0, want 16 - 2 accepted = 14",
		"log has version 3 at position 2",
		"log has 2 events with 0 withdrawals, want 4 with 2",
		"hot short: log has version 3 at position 2")
	if strings.Contains(out, "checked:") {
		t.Errorf("a round passed its checks:\n%s", out)
	}
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, text)
		}
	}
}

// TestBenchFindsServer checks where bench looks for the server, in order:
// --addr, STEPFOLD_ADDR, the server.json of the data directory (--data,
// else STEPFOLD_DATA), the default address.
func TestBenchFindsServer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, serverFile), []byte(`{"pid":1,"addr":"127.0.0.1:7001"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	tests := []struct {
		name, flag, dir string
		env             env
		want, from      string
	}{
		{"flag first", "127.0.0.1:7000", dir, env{"STEPFOLD_ADDR": "127.0.0.1:7002"}, "127.0.0.1:7000", "--addr"},
		{"then the environment", "", dir, env{"STEPFOLD_ADDR": "127.0.0.1:7002"}, "127.0.0.1:7002", "STEPFOLD_ADDR"},
		{"then the data directory", "", dir, env{}, "127.0.0.1:7001", filepath.Join(dir, serverFile)},
		{"then the default", "", empty, env{}, defaultAddr, "the default address; no server is recorded in " + filepath.Join(empty, serverFile)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, from := serverAddr(tt.flag, tt.dir, tt.env)
			if addr != tt.want || from != tt.from {
				t.Errorf("got %s from %q, want %s from %q", addr, from, tt.want, tt.from)
			}
		})
	}
}

// TestBenchFindsRunningServer runs the real serve and bench without an
// address: bench reaches the server through the data directory's
// server.json, given by --data and by STEPFOLD_DATA, and through
// STEPFOLD_ADDR.
func TestBenchFindsRunningServer(t *testing.T) {
	s := startMain(t, t.TempDir())
	defer s.stop(t)
	addr := strings.TrimPrefix(s.url, "http://")
	ctx := context.Background()
	tests := []struct {
		name    string
		environ []string
		args    []string
	}{
		{"--data", nil, []string{"--data", s.dir}},
		{"STEPFOLD_DATA", []string{"STEPFOLD_DATA=" + s.dir}, nil},
		{"STEPFOLD_ADDR", []string{"STEPFOLD_ADDR=" + addr}, []string{"--data", t.TempDir()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"bench", "--clients", "2", "--accounts", "2", "--duration", "100ms", "--read-duration", "0"}, tt.args...)
			code, out, errOut := runCLI(t, ctx, tt.environ, args...)
			if code != 0 || !strings.Contains(out, "bench "+s.url+":") {
				t.Fatalf("bench exited %d:\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestBenchWrongAddress points bench at a port nothing listens on, named
// by each way of naming a server: it stops before any load with
// "connection refused", the address and where it came from.
func TestBenchWrongAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, serverFile), []byte(`{"pid":1,"addr":"`+addr+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		environ []string
		args    []string
		from    string
	}{
		{"--addr", nil, []string{"--addr", addr}, "(from --addr)"},
		{"--addr and --hot", nil, []string{"--addr", addr, "--hot", "4"}, "(from --addr)"},
		{"STEPFOLD_ADDR", []string{"STEPFOLD_ADDR=" + addr}, nil, "(from STEPFOLD_ADDR)"},
		{"a stale server.json", nil, []string{"--data", dir}, "(from " + filepath.Join(dir, serverFile) + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			code, out, errOut := runCLI(t, context.Background(), tt.environ, append([]string{"bench"}, tt.args...)...)
			want := "stepfold bench: no stepfold server at " + addr + " " + tt.from + ": dial tcp " + addr + ": connect: connection refused\n"
			if code != 1 || errOut != want || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out, errOut, want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s to give up", d)
			}
		})
	}
}

// TestPhaseCountsUnanswered checks that a phase keeps the first transport
// error and counts the requests that got no answer.
func TestPhaseCountsUnanswered(t *testing.T) {
	b := &bencher{cfg: benchConfig{clients: 2}}
	boom := errors.New("boom")
	r := b.phase(context.Background(), func(_, i int) (bool, int, error) {
		switch {
		case i >= 6:
			return false, 0, nil
		case i%2 == 0:
			return true, 0, boom
		}
		return true, 200, nil
	}, 0)
	if r.ok != 3 || r.statuses[0] != 3 || !errors.Is(r.firstErr, boom) || r.errText() != "; 3 got no answer, the first: boom" {
		t.Errorf("ok %d, statuses %v, first error %v, text %q", r.ok, r.statuses, r.firstErr, r.errText())
	}
}
