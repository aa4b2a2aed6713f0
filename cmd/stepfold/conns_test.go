package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// patience bounds every wait for the server to close or answer: it is
// far above the configured timeouts, so only a server that never acts
// reaches it.
const patience = 10 * time.Second

// hostPort is the server's address, as in its URL.
func (s *server) hostPort() string { return strings.TrimPrefix(s.url, "http://") }

func dialServer(t *testing.T, s *server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.hostPort())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// roundTrip writes a raw request on c and reads the response.
func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, req string) *http.Response {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(patience))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("reading the response to %q: %v", req, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// waitClosed reads c until the server closes it and returns what it read;
// it fails if the connection is still open after patience.
func waitClosed(t *testing.T, c net.Conn, r io.Reader) string {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(patience))
	b, err := io.ReadAll(r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection is still open after %v (read %q)", patience, b)
	}
	return string(b)
}

func getRequest(s *server, path string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: " + s.hostPort() + "\r\n\r\n"
}

// TestIdleAndSlowClientsAreCut holds connections open in each way that
// used to keep them forever, against a server with short timeouts, and
// checks the server closes every one, writing nothing.
func TestIdleAndSlowClientsAreCut(t *testing.T) {
	const timeout = 300 * time.Millisecond
	s := startServe(t, t.TempDir(), []string{"--idle-timeout", timeout.String(), "--read-timeout", timeout.String()})
	defer s.stop(t)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	before := snapshot(t, s.url)

	t.Run("idle keep-alive connections", func(t *testing.T) {
		conns := make([]net.Conn, 50)
		readers := make([]*bufio.Reader, len(conns))
		for i := range conns {
			conns[i] = dialServer(t, s)
			readers[i] = bufio.NewReader(conns[i])
			if resp := roundTrip(t, conns[i], readers[i], getRequest(s, "/accounts/acc-1")); resp.StatusCode != 200 || resp.Close {
				t.Fatalf("keep-alive GET: %d close=%v", resp.StatusCode, resp.Close)
			}
		}
		idleSince := time.Now()
		for i, c := range conns {
			if rest := waitClosed(t, c, readers[i]); rest != "" {
				t.Errorf("connection %d: read %q before the close", i, rest)
			}
		}
		if d := time.Since(idleSince); d < timeout {
			t.Errorf("closed after %v, before the idle timeout of %v", d, timeout)
		}
	})
	body := `{"amount":5}`
	slow := []struct{ name, sent string }{
		{"a connection that sends nothing", ""},
		{"a header sent slowly", "GET /accounts/acc-1 HTTP/1.1\r\nHost: " + s.hostPort() + "\r\nX-Slow: "},
		{"a body sent slowly", fmt.Sprintf("POST /accounts/acc-1/deposits HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", s.hostPort(), len(body), body[:4])},
		{"a chunked body that never ends", fmt.Sprintf("POST /accounts/acc-1/deposits HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n%s\r\n", s.hostPort(), body[:4])},
		{"a Step Functions body sent slowly", fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.StartSyncExecution\r\nContent-Length: 500\r\n\r\n{\"stateMachineArn\":%q", s.hostPort(), machineARN)},
	}
	for _, tc := range slow {
		t.Run(tc.name, func(t *testing.T) {
			c := dialServer(t, s)
			if _, err := io.WriteString(c, tc.sent); err != nil {
				t.Fatal(err)
			}
			got := waitClosed(t, c, c)
			if got != "" && !strings.HasPrefix(got, "HTTP/1.1 4") {
				t.Errorf("answered %q", got)
			}
			if after := snapshot(t, s.url); after != before {
				t.Errorf("the server's data changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestConnectionCap fills a cap of 4 connections, first with idle ones,
// then with ones inside a request, and checks that a new client gets in
// by closing the idlest, is refused with a 503 only when none is idle,
// and that both are logged.
func TestConnectionCap(t *testing.T) {
	s := startServe(t, t.TempDir(), []string{"--max-conns", "4", "--idle-timeout", "1m", "--read-timeout", "1m"})
	defer s.stop(t)
	var idle []net.Conn
	var readers []*bufio.Reader
	for range 4 {
		c := dialServer(t, s)
		r := bufio.NewReader(c)
		roundTrip(t, c, r, getRequest(s, "/accounts/nobody"))
		idle, readers = append(idle, c), append(readers, r)
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: patience}
	resp, err := fresh.Get(s.url + "/accounts/nobody")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("a new client while 4 idle connections hold the cap: %v %v", resp, err)
	}
	resp.Body.Close()
	// The server closed the one it saw idle longest, and says which.
	victim := regexp.MustCompile(`"msg":"connection cap reached: closed the connection idle longest to let a new one in",.*"closed":"([^"]+)"`).FindStringSubmatch(s.stderr.String())
	if victim == nil {
		t.Fatalf("no warning names the connection closed to make room:\n%s", s.stderr)
	}
	closed := 0
	for i, c := range idle {
		if c.LocalAddr().String() == victim[1] {
			waitClosed(t, c, readers[i])
			closed++
		} else if resp := roundTrip(t, c, readers[i], getRequest(s, "/accounts/nobody")); resp.StatusCode != 404 {
			t.Fatalf("idle connection %d after the new client: %d", i, resp.StatusCode)
		}
		_ = c.Close()
	}
	if closed != 1 {
		t.Fatalf("the closed connection %s is none of the idle ones", victim[1])
	}

	// Four requests waiting for their bodies. The server has read a
	// header once it asks for the body with 100 Continue. A 503 means the
	// server has not yet noticed that the connections above are gone:
	// dial again.
	var busy []net.Conn
	var busyReaders []*bufio.Reader
	for deadline := time.Now().Add(patience); len(busy) < 4; {
		c := dialServer(t, s)
		r := bufio.NewReader(c)
		fmt.Fprintf(c, "POST /accounts/nobody/deposits HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 12\r\n\r\n", s.hostPort())
		_ = c.SetReadDeadline(time.Now().Add(patience))
		line, err := r.ReadString('\n')
		if strings.HasPrefix(line, "HTTP/1.1 503 ") && time.Now().Before(deadline) {
			continue
		}
		if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
			t.Fatalf("no 100 Continue: %q %v", line, err)
		}
		if line, err := r.ReadString('\n'); err != nil || line != "\r\n" {
			t.Fatalf("after 100 Continue: %q %v", line, err)
		}
		busy, busyReaders = append(busy, c), append(busyReaders, r)
	}
	c := dialServer(t, s)
	got := waitClosed(t, c, c)
	if !strings.HasPrefix(got, "HTTP/1.1 503 ") || !strings.Contains(got, `"error":"TooManyConnections"`) {
		t.Fatalf("a connection over a cap held by requests: %q", got)
	}
	for i, c := range busy {
		if _, err := io.WriteString(c, `{"amount":5}`); err != nil {
			t.Fatal(err)
		}
		if resp, err := http.ReadResponse(busyReaders[i], nil); err != nil || resp.StatusCode != 404 {
			t.Fatalf("the request that held the cap: %v %v", resp, err)
		}
	}
	resp, err = fresh.Get(s.url + "/accounts/nobody")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("a new client once the requests ended: %v %v", resp, err)
	}
	resp.Body.Close()
	for _, want := range []string{`"level":"WARN","msg":"connection cap reached: closed the connection idle longest to let a new one in","maxConns":4`,
		`"level":"WARN","msg":"connection cap reached: refused a new connection, since every connection is inside a request","maxConns":4`} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("the log lacks %s:\n%s", want, s.stderr)
		}
	}
}

// childDirEnv names the data directory of TestServeUnderLowFileLimit's
// child process.
const childDirEnv = "STEPFOLD_TEST_LOW_NOFILE_DIR"

// TestServeUnderLowFileLimit runs serve in a child process limited to 128
// open files, as in `ulimit -n 128`, with the default cap, holds 150 idle
// keep-alive connections to it, and checks that a new client still gets
// an answer and the cap is logged.
func TestServeUnderLowFileLimit(t *testing.T) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		os.Exit(run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, io.Discard, os.Stderr, nil))
	}
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", `ulimit -n 128 && exec "$0" -test.run='^TestServeUnderLowFileLimit$' -test.count=1`, os.Args[0])
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir)
	s := &server{dir: dir, done: make(chan int, 1), stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); s.done <- cmd.ProcessState.ExitCode() }()
	s.cancel = func() { _ = cmd.Process.Signal(syscall.SIGTERM) }
	waitListening(t, s)
	defer s.stop(t)
	if !strings.Contains(s.stderr.String(), `"maxConns":64`) {
		t.Errorf("a limit of 128 files should give a cap of 64 connections:\n%s", s.stderr)
	}
	for i := range 150 {
		c := dialServer(t, s)
		if resp := roundTrip(t, c, bufio.NewReader(c), getRequest(s, "/accounts/nobody")); resp.StatusCode != 404 {
			t.Fatalf("connection %d: %d", i, resp.StatusCode)
		}
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: patience}
	resp, err := fresh.Get(s.url + "/accounts/nobody")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("a new client while 150 idle connections are held: %v %v\n%s", resp, err, s.stderr)
	}
	resp.Body.Close()
	logs := s.stderr.String()
	if !strings.Contains(logs, "connection cap reached: closed the connection idle longest") || strings.Contains(logs, "too many open files") {
		t.Errorf("the log should show the cap and no exhausted files:\n%s", logs)
	}
}
