package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestParseRates(t *testing.T) {
	tests := []struct {
		in   string
		want []rateSpec
		err  bool
	}{
		{"", nil, false},
		{"500", []rateSpec{{500, false}}, false},
		{"250/s, 25%,50%,75%", []rateSpec{{250, false}, {25, true}, {50, true}, {75, true}}, false},
		{"0.5", []rateSpec{{0.5, false}}, false},
		{"0", nil, true},
		{"-5", nil, true},
		{"50%%", nil, true},
		{"fast", nil, true},
		{"10,", nil, true},
	}
	for _, tt := range tests {
		got, err := parseRates(tt.in)
		if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
			t.Errorf("parseRates(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// stallServer is a fake server on the bubble's clock: each request takes
// service, and one that arrives during [from, to) after start waits for
// the stall to end first, as a server paused by a collector or a
// checkpoint would.
type stallServer struct {
	start            time.Time
	service          time.Duration
	stallFrom, until time.Duration
}

func (s *stallServer) dial(context.Context) (sender, error) { return s, nil }

func (s *stallServer) send(context.Context, int) (int, error) {
	if at := time.Since(s.start); at >= s.stallFrom && at < s.until {
		time.Sleep(s.until - at)
	}
	time.Sleep(s.service)
	return 200, nil
}

func (s *stallServer) close() {}

// runStall runs plan against a server that stalls from 200 ms to 300 ms,
// on the bubble's clock, and checks the bookkeeping every run must keep.
func runStall(t *testing.T, p openPlan, service time.Duration) (openResult, *stallServer) {
	t.Helper()
	srv := &stallServer{start: time.Now(), service: service, stallFrom: 200 * time.Millisecond, until: 300 * time.Millisecond}
	res, err := runOpen(context.Background(), p, srv.dial)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.samples) != p.count() {
		t.Fatalf("%d samples, want %d", len(res.samples), p.count())
	}
	for _, s := range res.samples {
		if s.unsent || s.status != 200 {
			t.Fatalf("sample %+v: want every request answered", s)
		}
		if s.sent < s.due || s.done < s.sent+service {
			t.Fatalf("sample %+v: left before it was due, or answered before the server could", s)
		}
	}
	return res, srv
}

// duringStall returns the samples due while the server stalled.
func duringStall(res openResult, srv *stallServer) []openSample {
	var out []openSample
	for _, s := range res.samples {
		if s.due >= srv.stallFrom && s.due < srv.until {
			out = append(out, s)
		}
	}
	return out
}

// TestOpenLoopStallOneConnection is coordinated omission itself: one
// connection, 1000 requests a second, a server that stalls for 100 ms.
// Timed from when each was sent, as a closed loop times them, one request
// is slow. Timed from when each was due, every request scheduled during
// the stall waits at least until the stall ends, and the p99 shows it.
func TestOpenLoopStallOneConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := openPlan{rate: 1000, duration: time.Second, maxConns: 1, warm: 1, grace: time.Second}
		res, srv := runStall(t, p, 300*time.Microsecond)
		stalled := duringStall(res, srv)
		if len(stalled) != 100 {
			t.Fatalf("%d requests due during the stall, want 100", len(stalled))
		}
		slowFromSend := 0
		for _, s := range stalled {
			if s.latency() < srv.until-s.due {
				t.Errorf("due at %s: latency %s, want at least %s, the rest of the stall", s.due, s.latency(), srv.until-s.due)
			}
			if s.done-s.sent >= 50*time.Millisecond {
				slowFromSend++
			}
		}
		if slowFromSend != 1 {
			t.Errorf("%d requests took 50 ms or more from their send, want 1: the fake server does not stall as it should", slowFromSend)
		}
		sum := summarize(res)
		if got := pct(sum.lat, 0.99); got < 90*time.Millisecond {
			t.Errorf("p99 %s, want at least 90 ms", got)
		}
		if sum.waited < 99 || sum.late < 99 || res.conns != 1 {
			t.Errorf("%d waited for a connection, %d left late, %d connections; want at least the 99 behind the stalled one, on 1", sum.waited, sum.late, res.conns)
		}
	})
}

// TestOpenLoopStallGrowsConnections gives the same stall room: up to 50
// connections. Requests before the stall leave on time and take exactly
// the service time; during the stall the load generator opens
// connections up to the cap, then the rest wait, and every request
// scheduled during the stall still counts from when it was due.
func TestOpenLoopStallGrowsConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const service = 300 * time.Microsecond
		p := openPlan{rate: 1000, duration: time.Second, maxConns: 50, warm: 8, grace: time.Second}
		res, srv := runStall(t, p, service)
		for _, s := range res.samples {
			if s.due < srv.stallFrom && (s.late() != 0 || s.latency() != service) {
				t.Errorf("due at %s before the stall: left %s late, latency %s; want on time and %s", s.due, s.late(), s.latency(), service)
			}
		}
		for _, s := range duringStall(res, srv) {
			if want := srv.until - s.due + service; s.latency() < want || !s.waited && s.latency() != want {
				t.Errorf("due at %s: latency %s (waited %v), want %s, or more if it waited", s.due, s.latency(), s.waited, want)
			}
		}
		sum := summarize(res)
		if res.conns != 50 || sum.waited < 40 || sum.waited > 60 {
			t.Errorf("%d connections, %d waited; want the cap of 50 reached and about 50 of the 100 stalled requests waiting", res.conns, sum.waited)
		}
	})
}

// neverServer answers each request after an hour of the bubble's clock,
// or fails to dial once refuse is set.
type neverServer struct{ refuse bool }

func (s *neverServer) dial(context.Context) (sender, error) {
	if s.refuse {
		return nil, errors.New("connection refused")
	}
	return s, nil
}

func (s *neverServer) send(context.Context, int) (int, error) {
	time.Sleep(time.Hour)
	return 200, nil
}

func (s *neverServer) close() {}

// TestOpenLoopGivesUp runs 10 requests over 100 ms on 2 connections to a
// server that takes an hour: the two sent are answered an hour later, and
// the 8 that never got a connection are recorded as never sent, each
// with the time it waited until the grace of 50 ms ran out, so they stay
// in the percentiles as a lower bound instead of vanishing.
func TestOpenLoopGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := openPlan{rate: 100, duration: 100 * time.Millisecond, maxConns: 2, grace: 50 * time.Millisecond}
		res, err := runOpen(context.Background(), p, (&neverServer{}).dial)
		if err != nil {
			t.Fatal(err)
		}
		sum := summarize(res)
		if sum.scheduled != 10 || sum.answered != 2 || sum.unsent != 8 || len(sum.lat) != 10 {
			t.Fatalf("summary %+v; want 10 scheduled, 2 answered, 8 never sent, 10 latencies", sum)
		}
		for _, s := range res.samples {
			if s.unsent && s.latency() != 150*time.Millisecond-s.due {
				t.Errorf("never sent, due at %s: latency %s, want %s", s.due, s.latency(), 150*time.Millisecond-s.due)
			}
		}
		var out bytes.Buffer
		reportOpen(&out, "at 100/s", res)
		mustContain(t, "report", out.String(), "8 never sent", "the server fell behind: 8 requests were still waiting 50ms after the schedule ended")
	})
}

// TestOpenLoopDialFails: a connection that cannot be dialled fails the
// request it was opened for, which counts as no answer, and leaves room
// for the next one.
func TestOpenLoopDialFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := openPlan{rate: 100, duration: 50 * time.Millisecond, maxConns: 1, grace: time.Second}
		res, err := runOpen(context.Background(), p, (&neverServer{refuse: true}).dial)
		if err != nil {
			t.Fatal(err)
		}
		sum := summarize(res)
		if sum.noAnswer != 5 || sum.statuses[0] != 5 || res.conns != 5 || res.firstErr == nil {
			t.Errorf("summary %+v, %d connections, first error %v; want 5 without an answer on 5 attempts", sum, res.conns, res.firstErr)
		}
	})
}

// openLine matches the first report line of an open-loop phase.
var openLine = regexp.MustCompile(`(?m)^at (\S+) +(\d+)/s asked +(\d+)/s achieved +(\d+) answered  p50 +\S+  p99 +\S+  p99\.9 +\S+  max +\S+  statuses map\[([^\]]*)\]\nat \S+ +(\d+) scheduled, \d+ left more than 1ms late \(p99 \S+, max \S+\), \d+ waited for a connection, (\d+) connections \(cap 64\), (\d+) never sent$`)

// TestBenchOpenLoop drives the whole app at 25 commands a second and at
// half the closed-loop maximum measured in the same run: each rate is
// reported, every command scheduled is answered by the bank (200, or 409
// and 422 when commands meet on an account or a withdrawal finds it
// empty), and none is left unsent.
func TestBenchOpenLoop(t *testing.T) {
	_, url := newTestApp(t, t.TempDir(), nil)
	args := []string{"bench", "--addr", strings.TrimPrefix(url, "http://"), "--clients", "2", "--accounts", "50", "--duration", "400ms", "--max-conns", "64", "--rate", "25,50%"}
	code, out, errOut := runCLI(t, context.Background(), nil, args...)
	if code != 0 {
		t.Fatalf("bench exited %d:\n%s%s", code, out, errOut)
	}
	mustContain(t, "report", out, "\nclosed ", "open loop at 25/s: 25 commands/s for 400ms\n", "open loop at 50%: ")
	got := openLine.FindAllStringSubmatch(out, -1)
	if len(got) != 2 || got[0][1] != "25/s" || got[1][1] != "50%" {
		t.Fatalf("report:\n%s\nwant a phase at 25/s and one at 50%%", out)
	}
	for _, m := range got {
		answered, scheduled, conns, unsent := atoi(t, m[4])[0], atoi(t, m[6])[0], atoi(t, m[7])[0], atoi(t, m[8])[0]
		statuses := parseStatuses(t, m[5])
		if answered != scheduled || unsent != 0 || statuses[0] > 0 || serverErrors(statuses) > 0 || statuses[200] == 0 {
			t.Errorf("at %s: %d of %d answered, %d never sent, statuses %s; want every command answered, successes, and no server error", m[1], answered, scheduled, unsent, m[5])
		}
		if conns < 1 || conns > 64 {
			t.Errorf("at %s: %d connections", m[1], conns)
		}
	}
	if n, _ := strconv.Atoi(got[0][6]); n != 10 {
		t.Errorf("at 25/s for 400ms: %d scheduled, want 10", n)
	}
}

// TestBenchOpenLoopFlags checks that bad open-loop flags stop bench before
// it sends anything.
func TestBenchOpenLoopFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, `--rate: "0" is not a positive rate`},
		{[]string{"--rate", "x%"}, `--rate: "x%" is not a positive rate`},
		{[]string{"--rate", "10", "--hot", "2"}, "--rate and --hot are different modes"},
		{[]string{"--rate", "10", "--max-conns", "0"}, "--max-conns must be at least 1"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, context.Background(), nil, append([]string{"bench", "--addr", "127.0.0.1:1"}, tt.args...)...)
		if code == 0 || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want an error with %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

// TestBenchSenderRedialsIdle sends two commands on one open-loop
// connection to a server that closes connections idle for 50 ms, with a
// pause of 200 ms between them: the sender dials again before the second
// rather than send it on the closed connection.
func TestBenchSenderRedialsIdle(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	srv.Config.IdleTimeout = 50 * time.Millisecond
	srv.Start()
	defer srv.Close()
	b := &bencher{cfg: benchConfig{addr: strings.TrimPrefix(srv.URL, "http://"), accounts: 1}, run: "t"}
	s, err := b.dialSender(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	s.(*benchSender).idle = 20 * time.Millisecond
	for k := range 2 {
		if status, err := s.send(context.Background(), k); err != nil || status != http.StatusOK {
			t.Fatalf("command %d: status %d, %v", k, status, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
