package httpguard_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/local/httpguard"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })

func addr(s string) net.Addr {
	a, err := net.ResolveTCPAddr("tcp", s)
	if err != nil {
		panic(err)
	}
	return a
}

func newGuard(t *testing.T, cfg httpguard.Config) *httpguard.Guard {
	t.Helper()
	g, err := httpguard.New(ok, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func ExampleNew() {
	g, _ := httpguard.New(ok, httpguard.Config{Addr: addr("127.0.0.1:8080")})
	send := func(method, url, contentType, origin string) {
		r := httptest.NewRequest(method, url, strings.NewReader("{}"))
		r.Header.Set("Content-Type", contentType)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		var refusal struct{ Error string }
		if json.Unmarshal(w.Body.Bytes(), &refusal) != nil {
			refusal.Error = w.Body.String()
		}
		fmt.Println(method, r.Host, w.Code, refusal.Error)
	}
	send("POST", "http://localhost:8080/accounts", "application/json", "")
	send("GET", "http://evil.example:8080/accounts/a", "", "")
	send("POST", "http://127.0.0.1:8080/accounts", "application/json", "http://evil.example")
	send("POST", "http://127.0.0.1:8080/accounts", "application/x-www-form-urlencoded", "")
	// Output:
	// POST localhost:8080 200 ok
	// GET evil.example:8080 403 HostNotAllowed
	// POST 127.0.0.1:8080 403 OriginNotAllowed
	// POST 127.0.0.1:8080 415 UnsupportedMediaType
}

// TestHosts checks the Host values a server answers to, by where it
// listens and what is configured.
func TestHosts(t *testing.T) {
	tests := []struct {
		listen string
		hosts  []string
		host   string
		want   bool
	}{
		{"127.0.0.1:8080", nil, "127.0.0.1:8080", true},
		{"127.0.0.1:8080", nil, "localhost:8080", true},
		{"127.0.0.1:8080", nil, "LocalHost.:8080", true},
		{"127.0.0.1:8080", nil, "[::1]:8080", true},
		{"127.0.0.1:8080", nil, "localhost", false}, // port 80
		{"127.0.0.1:80", nil, "localhost", true},
		{"127.0.0.1:8080", nil, "localhost:8081", false},
		{"127.0.0.1:8080", nil, "evil.example:8080", false},
		{"127.0.0.1:8080", nil, "localhost.evil.example:8080", false},
		{"127.0.0.1:8080", nil, "127.0.0.2:8080", false},
		{"127.0.0.1:8080", nil, "10.0.0.5:8080", false},
		{"127.0.0.1:8080", nil, "", false},
		{"127.0.0.1:8080", nil, "sync-localhost:8080", false},
		{"127.0.0.1:8080", []string{"sync-localhost"}, "sync-localhost:8080", true},
		{"127.0.0.1:8080", []string{"dev.test"}, "dev.test", true},
		{"127.0.0.1:8080", []string{"dev.test"}, "DEV.test:8080", true},
		{"127.0.0.1:8080", []string{"dev.test"}, "dev.test:9090", false},
		{"127.0.0.1:8080", []string{"dev.test:443"}, "dev.test:443", true},
		{"127.0.0.1:8080", []string{"dev.test:443"}, "dev.test:8080", false},
		{"[::1]:8080", nil, "[::1]:8080", true},
		{"0.0.0.0:8080", nil, "192.0.2.7:8080", true},
		{"0.0.0.0:8080", nil, "[2001:db8::1]:8080", true},
		{"0.0.0.0:8080", nil, "192.0.2.7:9", false},
		{"0.0.0.0:8080", nil, "host.example:8080", false},
		{"192.0.2.7:8080", nil, "192.0.2.7:8080", true},
		{"192.0.2.7:8080", nil, "192.0.2.8:8080", false},
	}
	for _, tc := range tests {
		g := newGuard(t, httpguard.Config{Addr: addr(tc.listen), Hosts: tc.hosts})
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = tc.host
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		if got := w.Code == 200; got != tc.want {
			t.Errorf("listening on %s with %v, Host %q: %d %s", tc.listen, tc.hosts, tc.host, w.Code, w.Body)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []httpguard.Config{
		{},
		{Addr: addr("127.0.0.1:1"), Origins: []string{"*"}},
		{Addr: addr("127.0.0.1:1"), Origins: []string{"localhost:3000"}},
		{Addr: addr("127.0.0.1:1"), Origins: []string{"http://localhost:3000/app"}},
		{Addr: addr("127.0.0.1:1"), Origins: []string{"file://x"}},
		{Addr: addr("127.0.0.1:1"), Hosts: []string{"http://dev.test"}},
		{Addr: addr("127.0.0.1:1"), Hosts: []string{"dev.test:http"}},
		{Addr: addr("127.0.0.1:1"), Hosts: []string{""}},
	} {
		if _, err := httpguard.New(ok, cfg); err == nil {
			t.Errorf("New(%+v) accepted it", cfg)
		}
	}
}

// TestMediaTypes checks the Content-Type a write needs, per route.
func TestMediaTypes(t *testing.T) {
	amz := func(r *http.Request) string {
		if r.Header.Get("X-Amz-Target") != "" {
			return "application/x-amz-json-1.0"
		}
		return httpguard.JSON
	}
	g := newGuard(t, httpguard.Config{Addr: addr("127.0.0.1:8080"), MediaType: amz})
	tests := []struct {
		method, contentType, target string
		want                        int
	}{
		{"POST", "application/json", "", 200},
		{"POST", "Application/JSON; charset=utf-8", "", 200},
		{"POST", "application/json;", "", 200},
		{"POST", "application/jsonx", "", 415},
		{"POST", "text/plain", "", 415},
		{"POST", "", "", 415},
		{"PUT", "text/plain", "", 415},
		{"PATCH", "application/json", "", 200},
		{"GET", "text/plain", "", 200},
		{"POST", "application/x-amz-json-1.0", "AWSStepFunctions.ListStateMachines", 200},
		{"POST", "application/json", "AWSStepFunctions.ListStateMachines", 415},
		{"POST", "application/x-amz-json-1.0", "", 415},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, "http://127.0.0.1:8080/", strings.NewReader("{}"))
		if tc.contentType != "" {
			r.Header.Set("Content-Type", tc.contentType)
		}
		if tc.target != "" {
			r.Header.Set("X-Amz-Target", tc.target)
		}
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s %q %q: %d %s, want %d", tc.method, tc.contentType, tc.target, w.Code, w.Body, tc.want)
		}
	}
}

func TestMaxConnsFor(t *testing.T) {
	for nofile, want := range map[uint64]int{0: 1, 2: 1, 100: 50, 128: 64, 1024: 960, 4160: 4096, 1 << 20: 4096, ^uint64(0): 4096} {
		if got := httpguard.MaxConnsFor(nofile); got != want {
			t.Errorf("MaxConnsFor(%d) = %d, want %d", nofile, got, want)
		}
	}
	if n := httpguard.DefaultMaxConns(); n < 1 || n > 4096 {
		t.Errorf("DefaultMaxConns() = %d", n)
	}
}

// BenchmarkGuard is the cost of the checks on a write from the console:
// Host, Origin and Content-Type, against a handler that does nothing.
func BenchmarkGuard(b *testing.B) {
	g, err := httpguard.New(ok, httpguard.Config{Addr: addr("127.0.0.1:8080")})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("POST", "http://127.0.0.1:8080/accounts/a/deposits", nil)
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("Origin", "http://127.0.0.1:8080")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		g.ServeHTTP(w, r)
	}
}
