package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestReadResponse reads response texts of every body framing and checks
// the status, whether the connection stays open, the body, and that the
// reader ends exactly after the response (the "NEXT" that follows it is
// left unread). Each is read twice: body kept, and body discarded.
func TestReadResponse(t *testing.T) {
	tests := []struct {
		name   string
		method string
		text   string
		status int
		keep   bool
		body   string
		err    error
	}{
		{"fixed length", "POST", "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhelloNEXT", 201, true, "hello", nil},
		{"chunked with trailer", "GET", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\nNEXT", 200, true, "abcde", nil},
		{"connection close", "GET", "HTTP/1.1 409 Conflict\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}NEXT", 409, false, "{}", nil},
		{"HTTP/1.0", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\nNEXT", 200, false, "", nil},
		{"no content", "POST", "HTTP/1.1 204 No Content\r\n\r\nNEXT", 204, true, "", nil},
		{"HEAD with a length", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nNEXT", 200, true, "", nil},
		{"until close", "GET", "HTTP/1.1 200 OK\r\n\r\nbody", 200, false, "body", nil},
		{"not HTTP", "GET", "SSH-2.0-OpenSSH\r\n\r\n", 0, false, "", errBadResponse},
		{"bad status", "GET", "HTTP/1.1 2x0 OK\r\n\r\n", 0, false, "", errBadResponse},
		{"bad length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, false, "", errBadResponse},
		{"bad chunk size", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, false, "", errBadResponse},
		{"field without colon", "GET", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", 0, false, "", errBadResponse},
		{"cut short", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, false, "", io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kept := range []bool{true, false} {
				var body bytes.Buffer
				var sink io.Writer = io.Discard
				if kept {
					sink = &body
				}
				r := bufio.NewReader(strings.NewReader(tt.text))
				status, keep, err := readResponse(r, tt.method, sink)
				if tt.err != nil {
					if !errors.Is(err, tt.err) {
						t.Fatalf("err = %v, want %v", err, tt.err)
					}
					continue
				}
				if err != nil || status != tt.status || keep != tt.keep {
					t.Fatalf("got %d keep=%v err=%v, want %d keep=%v", status, keep, err, tt.status, tt.keep)
				}
				if kept && body.String() != tt.body {
					t.Errorf("body %q, want %q", body.String(), tt.body)
				}
				if rest, _ := io.ReadAll(r); keep && string(rest) != "NEXT" {
					t.Fatalf("left %q unread, want NEXT", rest)
				}
			}
		})
	}
}

// TestConnAgainstNetHTTP sends requests through a conn to a net/http
// server that streams, closes and echoes, and checks that the server saw
// each request whole and that the conn dials again after a close.
func TestConnAgainstNetHTTP(t *testing.T) {
	var dials atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/stream": // flushed before the end: a chunked body
			_, _ = io.WriteString(w, strings.Repeat("x", 100))
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, "done")
		case "/close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusAccepted)
		default:
			if r.Header.Get("Content-Type") != "application/json" || string(body) != `{"amount":5}` {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := conn{addr: strings.TrimPrefix(srv.URL, "http://")}
	defer c.close()
	ctx := context.Background()
	steps := []struct {
		method, path, body string
		status             int
		dials              int32
	}{
		{"POST", "/deposit", `{"amount":5}`, 201, 1},
		{"GET", "/stream", "", 200, 1},
		{"POST", "/deposit", `{"amount":5}`, 201, 1},
		{"GET", "/close", "", 202, 1},
		{"POST", "/deposit", `{"amount":5}`, 201, 2},
	}
	for i, s := range steps {
		status, err := c.do(ctx, s.method, s.path, s.body)
		if err != nil || status != s.status || dials.Load() != s.dials {
			t.Fatalf("step %d %s %s: status %d err %v after %d dials; want %d after %d", i, s.method, s.path, status, err, dials.Load(), s.status, s.dials)
		}
	}
}
