package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/stepfold/stepfold/local/sfnapi"
)

const machineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:stepfold-account"

// probe is one request as a browser, a page or a client may send it.
type probe struct {
	name               string
	method, path, body string
	header             []string // name, value pairs, added in order
	host               string   // the Host header, when not the server's
}

// errorKey is where the error name is in the answer: "__type" in the AWS
// JSON protocol, "error" elsewhere.
func (p probe) errorKey() string {
	for i := 0; i < len(p.header); i += 2 {
		if p.header[i] == "X-Amz-Target" {
			return "__type"
		}
	}
	return "error"
}

// probeReply is what the server said to a probe.
type probeReply struct {
	status int
	header http.Header
	body   map[string]any
}

func (p probe) send(t *testing.T, base string) probeReply {
	t.Helper()
	req, err := http.NewRequest(p.method, base+p.path, strings.NewReader(p.body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(p.header); i += 2 {
		req.Header.Add(p.header[i], p.header[i+1])
	}
	if p.host != "" {
		req.Host = p.host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := probeReply{status: resp.StatusCode, header: resp.Header}
	_ = json.Unmarshal(b, &a.body)
	return a
}

// sfnCall is a Step Functions API request body for op.
func sfnCall(op string, in map[string]any) (string, []string) {
	b, _ := json.Marshal(in)
	return string(b), []string{"X-Amz-Target", sfnapi.TargetPrefix + op}
}

// newSFN is the real sfn client pointed at base.
func newSFN(base string, optFns ...func(*sfn.Options)) *sfn.Client {
	opts := sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(base),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", "")}
	for _, f := range optFns {
		f(&opts)
	}
	return sfn.New(opts)
}

func disableHostPrefix(o *sfn.Options) {
	o.APIOptions = append(o.APIOptions, sfnapi.DisableHostPrefix)
}

// snapshot is everything a write could change, read through the server:
// the account's events and state, an account a write could open, the
// dead letters and the executions.
func snapshot(t *testing.T, base string) string {
	t.Helper()
	var b strings.Builder
	for _, path := range []string{"/accounts/acc-1/events", "/accounts/acc-1", "/accounts/acc-2", "/admin/dlq"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(&b, "%s %d %s\n", path, resp.StatusCode, body)
	}
	list, err := newSFN(base).ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineARN)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list.Executions {
		fmt.Fprintf(&b, "execution %s %s\n", aws.ToString(e.Name), e.Status)
	}
	return b.String()
}

// deadLetterID returns the id of the only dead letter.
func deadLetterID(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/admin/dlq")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ms []struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&ms); err != nil || len(ms) != 1 {
		t.Fatalf("dead letters: %v %v", ms, err)
	}
	return ms[0].ID
}

// TestOtherSitesCannotAct sends the real server what a page on another
// website can make the developer's browser send, directly or through a
// name rebound to 127.0.0.1, and what careless clients send. Each is
// refused with its status and error name, carries no CORS header, and
// writes nothing: the event log, the read model, the dead letters and the
// executions stay as they were. The refusals are logged at warn with the
// reason. Then the server's own page, curl and the SDK still get in.
func TestOtherSitesCannotAct(t *testing.T) {
	dir := t.TempDir()
	deadLetterDeposit(t, dir)
	s := startMain(t, dir)
	defer s.stop(t)
	host := strings.TrimPrefix(s.url, "http://")
	_, port, _ := net.SplitHostPort(host)
	dl := deadLetterID(t, s.url)
	deposit := `{"type":"Deposit","accountId":"acc-1","commandId":"sfn-1","amount":5}`
	start, amz := sfnCall("StartSyncExecution", map[string]any{"stateMachineArn": machineARN, "input": deposit})
	list, _ := sfnCall("ListExecutions", map[string]any{"stateMachineArn": machineARN})
	amzJSON := append([]string{"Content-Type", sfnapi.ContentType}, amz...)
	cross := []string{"Content-Type", "application/json", "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"}
	const w = "/accounts/acc-1/withdrawals"
	tests := []struct {
		probe
		status        int
		code, message string
	}{
		{probe{"text/plain withdrawal from another site", "POST", w, `{"amount":5}`, []string{"Content-Type", "text/plain", "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"}, ""}, 403, "OriginNotAllowed", "http://evil.example"},
		{probe{"text/plain withdrawal", "POST", w, `{"amount":5}`, []string{"Content-Type", "text/plain"}, ""}, 415, "UnsupportedMediaType", "Content-Type: application/json"},
		{probe{"form-encoded opening", "POST", "/accounts", `accountId=acc-2&currency=EUR`, []string{"Content-Type", "application/x-www-form-urlencoded"}, ""}, 415, "UnsupportedMediaType", "application/x-www-form-urlencoded"},
		{probe{"multipart opening", "POST", "/accounts", "--b\r\n\r\n{}\r\n--b--", []string{"Content-Type", "multipart/form-data; boundary=b"}, ""}, 415, "UnsupportedMediaType", "multipart"},
		{probe{"deposit with no Content-Type", "POST", "/accounts/acc-1/deposits", `{"amount":5}`, nil, ""}, 415, "UnsupportedMediaType", `not ""`},
		{probe{"two Content-Types", "POST", "/accounts/acc-1/deposits", `{"amount":5}`, []string{"Content-Type", "application/json", "Content-Type", "text/plain"}, ""}, 415, "UnsupportedMediaType", "application/json"},
		{probe{"close with no body", "POST", "/accounts/acc-1/close", ``, nil, ""}, 415, "UnsupportedMediaType", "POST"},
		{probe{"another method", "DELETE", "/accounts/acc-1", ``, nil, ""}, 415, "UnsupportedMediaType", "DELETE"},
		{probe{"JSON from another site", "POST", w, `{"amount":5}`, cross, ""}, 403, "OriginNotAllowed", "cross-site"},
		{probe{"JSON from a browser without Sec-Fetch-Site", "POST", w, `{"amount":5}`, []string{"Content-Type", "application/json", "Origin", "http://evil.example"}, ""}, 403, "OriginNotAllowed", "http://evil.example"},
		{probe{"Origin null", "POST", w, `{"amount":5}`, []string{"Content-Type", "application/json", "Origin", "null"}, ""}, 403, "OriginNotAllowed", "Origin null"},
		{probe{"another local server's page", "POST", w, `{"amount":5}`, []string{"Content-Type", "application/json", "Origin", "http://localhost:3000", "Sec-Fetch-Site", "same-site"}, ""}, 403, "OriginNotAllowed", "http://localhost:3000"},
		{probe{"rebound name, write", "POST", w, `{"amount":5}`, []string{"Content-Type", "application/json"}, "evil.example:" + port}, 403, "HostNotAllowed", "evil.example"},
		{probe{"rebound name, read", "GET", "/accounts/acc-1", ``, nil, "evil.example:" + port}, 403, "HostNotAllowed", "127.0.0.1:" + port},
		{probe{"rebound name, events", "GET", "/accounts/acc-1/events", ``, nil, "evil.example"}, 403, "HostNotAllowed", "evil.example"},
		{probe{"rebound name, console", "GET", "/console/", ``, nil, "evil.example:" + port}, 403, "HostNotAllowed", "evil.example"},
		{probe{"rebound name, dead letters", "GET", "/admin/dlq", ``, nil, "evil.example:" + port}, 403, "HostNotAllowed", "evil.example"},
		{probe{"own name, another port", "GET", "/accounts/acc-1", ``, nil, "localhost:1"}, 403, "HostNotAllowed", "localhost:1"},
		{probe{"redrive all, no Content-Type", "POST", "/admin/dlq/redrive", ``, nil, ""}, 415, "UnsupportedMediaType", "application/json"},
		{probe{"redrive all from another site", "POST", "/admin/dlq/redrive", ``, cross, ""}, 403, "OriginNotAllowed", "evil.example"},
		{probe{"redrive one, text/plain", "POST", "/admin/dlq/" + dl + "/redrive", `{}`, []string{"Content-Type", "text/plain"}, ""}, 415, "UnsupportedMediaType", "text/plain"},
		{probe{"redrive, rebound name", "POST", "/admin/dlq/redrive", ``, []string{"Content-Type", "application/json"}, "evil.example:" + port}, 403, "HostNotAllowed", "evil.example"},
		{probe{"Step Functions, text/plain", "POST", "/", start, append([]string{"Content-Type", "text/plain"}, amz...), ""}, 415, "UnsupportedMediaType", sfnapi.ContentType},
		{probe{"Step Functions, application/json", "POST", "/", start, append([]string{"Content-Type", "application/json"}, amz...), ""}, 415, "UnsupportedMediaType", sfnapi.ContentType},
		{probe{"Step Functions from another site", "POST", "/", start, append([]string{"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"}, amzJSON...), ""}, 403, "OriginNotAllowed", "evil.example"},
		{probe{"Step Functions listing from another site", "POST", "/", list, append([]string{"Origin", "http://evil.example"}, amzJSON...), ""}, 403, "OriginNotAllowed", "evil.example"},
		{probe{"Step Functions, rebound name", "POST", "/", start, amzJSON, "evil.example:" + port}, 403, "HostNotAllowed", "evil.example"},
		{probe{"Step Functions, SDK host prefix", "POST", "/", start, amzJSON, "sync-127.0.0.1:" + port}, 403, "HostNotAllowed", "host prefix injection off"},
		{probe{"CORS preflight from another site", "OPTIONS", w, ``, []string{"Origin", "http://evil.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"}, ""}, 405, "", ""},
	}
	before := snapshot(t, s.url)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.send(t, s.url)
			if a.status != tc.status || (tc.code != "" && a.body[tc.errorKey()] != tc.code) {
				t.Fatalf("status %d %v, want %d %s", a.status, a.body, tc.status, tc.code)
			}
			if msg, _ := a.body["message"].(string); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q does not mention %q", msg, tc.message)
			}
			for name := range a.header {
				if strings.HasPrefix(name, "Access-Control-") {
					t.Errorf("CORS header %s: %s", name, a.header.Get(name))
				}
			}
			if after := snapshot(t, s.url); after != before {
				t.Errorf("the server's data changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	for _, code := range []string{"HostNotAllowed", "OriginNotAllowed", "UnsupportedMediaType"} {
		if !strings.Contains(s.stderr.String(), `"level":"WARN","msg":"refused a request","error":"`+code+`","reason":"`) {
			t.Errorf("no warning logged for %s:\n%s", code, s.stderr)
		}
	}
	checkOwnClientsGetIn(t, s.url, port)
}

// checkOwnClientsGetIn sends what the server's own page, curl and the SDK
// send, under every name of the server.
func checkOwnClientsGetIn(t *testing.T, base, port string) {
	t.Helper()
	own := "http://127.0.0.1:" + port
	local := "http://localhost:" + port
	amz := []string{"Content-Type", sfnapi.ContentType, "X-Amz-Target", sfnapi.TargetPrefix + "ListStateMachines"}
	tests := []struct {
		probe
		status int
	}{
		{probe{"curl", "POST", "/accounts/acc-1/deposits", `{"amount":1}`, []string{"Content-Type", "application/json"}, ""}, 200},
		{probe{"charset parameter", "POST", "/accounts/acc-1/deposits", `{"amount":1}`, []string{"Content-Type", "application/json; charset=utf-8"}, ""}, 200},
		{probe{"own page", "POST", "/accounts/acc-1/deposits", `{"amount":1}`, []string{"Content-Type", "application/json", "Origin", own, "Sec-Fetch-Site", "same-origin"}, ""}, 200},
		{probe{"own page under localhost", "POST", "/accounts/acc-1/deposits", `{"amount":1}`, []string{"Content-Type", "application/json", "Origin", local, "Sec-Fetch-Site", "same-origin"}, "localhost:" + port}, 200},
		{probe{"own page under another of its names", "POST", "/accounts/acc-1/deposits", `{"amount":1}`, []string{"Content-Type", "application/json", "Origin", local, "Sec-Fetch-Site", "cross-site"}, ""}, 200},
		{probe{"console's Step Functions call", "POST", "/", `{}`, append([]string{"Origin", own, "Sec-Fetch-Site", "same-origin"}, amz...), ""}, 200},
		{probe{"[::1]", "GET", "/accounts/acc-1", ``, nil, "[::1]:" + port}, 200},
		{probe{"LOCALHOST", "GET", "/accounts/acc-1", ``, nil, "LOCALHOST:" + port}, 200},
		{probe{"read from another site", "GET", "/accounts/acc-1", ``, []string{"Origin", "http://evil.example"}, ""}, 200},
		{probe{"redrive", "POST", "/admin/dlq/redrive", ``, []string{"Content-Type", "application/json"}, ""}, 200},
	}
	for _, tc := range tests {
		if a := tc.send(t, base); a.status != tc.status || a.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: status %d %v (CORS %q), want %d", tc.name, a.status, a.body, a.header.Get("Access-Control-Allow-Origin"), tc.status)
		}
	}
	got := mustCall(t, 200, "GET", base+"/accounts/acc-1", "")
	if got["balance"] != 705.0 {
		t.Errorf("after the redrive and five deposits of 1, balance %v, want 705", got["balance"])
	}
	if _, err := newSFN(local, disableHostPrefix).StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{
		StateMachineArn: aws.String(machineARN), Input: aws.String(`{"type":"Deposit","accountId":"acc-1","commandId":"sdk-localhost","amount":1}`)}); err != nil {
		t.Errorf("the SDK against %s: %v", local, err)
	}
}

// TestAllowedOrigin configures an origin and checks that it alone gets
// CORS headers and may write.
func TestAllowedOrigin(t *testing.T) {
	s := startMain(t, t.TempDir(), "STEPFOLD_ALLOW_ORIGINS=http://localhost:3000")
	defer s.stop(t)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	pre := probe{"preflight", "OPTIONS", "/accounts/acc-1/deposits", ``, []string{"Origin", "http://localhost:3000",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,idempotency-key"}, ""}
	a := pre.send(t, s.url)
	if a.status != 204 || a.header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		a.header.Get("Access-Control-Allow-Headers") != "content-type,idempotency-key" || !strings.Contains(a.header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Fatalf("preflight from the allowed origin: %d %v", a.status, a.header)
	}
	dep := probe{"deposit", "POST", "/accounts/acc-1/deposits", `{"amount":5}`, []string{"Content-Type", "application/json",
		"Origin", "http://localhost:3000", "Sec-Fetch-Site", "same-site"}, ""}
	a = dep.send(t, s.url)
	if a.status != 200 || a.header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || !strings.Contains(a.header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Fatalf("deposit from the allowed origin: %d %v %v", a.status, a.body, a.header)
	}
	pre.header[1], dep.header[3] = "http://localhost:4000", "http://localhost:4000"
	if a := pre.send(t, s.url); a.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin got CORS headers: %v", a.header)
	}
	if a := dep.send(t, s.url); a.status != 403 || a.body["error"] != "OriginNotAllowed" {
		t.Errorf("deposit from another origin: %d %v", a.status, a.body)
	}
	if got := mustCall(t, 200, "GET", s.url+"/accounts/acc-1", ""); got["balance"] != 5.0 {
		t.Errorf("balance %v, want the one allowed deposit of 5", got["balance"])
	}
}

// TestAllowedHost configures a name and checks the SDK through it: with
// host prefix injection on, StartSyncExecution goes to sync-<name>, which
// is refused with a message that says so.
func TestAllowedHost(t *testing.T) {
	s := startServe(t, t.TempDir(), []string{"--allow-host", "stepfold.test"})
	defer s.stop(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
	for host, want := range map[string]int{"stepfold.test:" + port: 404, "stepfold.test": 404, "STEPFOLD.test.:" + port: 404,
		"stepfold.test:1": 403, "other.test:" + port: 403} {
		if a := (probe{host, "GET", "/accounts/nobody", ``, nil, host}).send(t, s.url); a.status != want {
			t.Errorf("Host %s: %d %v, want %d", host, a.status, a.body, want)
		}
	}
	// Every name dials the server, as a name in /etc/hosts would.
	dialServer := func(o *sfn.Options) {
		target := strings.TrimPrefix(s.url, "http://")
		o.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, target)
		}}}
	}
	in := &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machineARN),
		Input: aws.String(`{"type":"OpenAccount","accountId":"acc-1","commandId":"sdk-open","currency":"EUR"}`)}
	base := "http://stepfold.test:" + port
	_, err := newSFN(base, dialServer).StartSyncExecution(context.Background(), in)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "HostNotAllowed" || !strings.Contains(ae.ErrorMessage(), "sync-stepfold.test") || !strings.Contains(ae.ErrorMessage(), "host prefix") {
		t.Fatalf("StartSyncExecution to sync-stepfold.test: %v", err)
	}
	out, err := newSFN(base, dialServer, disableHostPrefix).StartSyncExecution(context.Background(), in)
	if err != nil || out.Status != types.SyncExecutionStatusSucceeded {
		t.Fatalf("StartSyncExecution to stepfold.test: %v %+v", err, out)
	}
}

// TestServeRefusesRemoteAddr checks that an address other machines reach
// needs --allow-remote, which is logged, and that the Host check then
// takes the machine's addresses.
func TestServeRefusesRemoteAddr(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		dir := filepath.Join(t.TempDir(), "data")
		ctx, cancel := context.WithTimeout(context.Background(), patience) // a server that does start is stopped
		code, _, errOut := runCLI(t, ctx, nil, "serve", "--addr", addr, "--data", dir)
		cancel()
		if code != 1 || !strings.Contains(errOut, "refusing to listen on "+addr+": other machines could reach it") || !strings.Contains(errOut, "--allow-remote") {
			t.Errorf("serve --addr %s: %d %q", addr, code, errOut)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("serve --addr %s created the data dir before refusing (%v)", addr, err)
		}
	}
	dir := t.TempDir()
	s := &server{dir: dir, done: make(chan int, 1), stderr: &lockedBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		s.done <- run(ctx, []string{"serve", "--addr", "0.0.0.0:0", "--allow-remote", "--data", dir}, io.Discard, s.stderr, nil)
	}()
	waitListening(t, s)
	defer s.stop(t)
	if !strings.Contains(s.stderr.String(), `"level":"WARN","msg":"listening where other machines can reach the server`) {
		t.Errorf("no warning for --allow-remote:\n%s", s.stderr)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
	local := "http://127.0.0.1:" + port
	for host, want := range map[string]int{"192.0.2.7:" + port: 404, "[2001:db8::1]:" + port: 404, "127.0.0.1:" + port: 404, "evil.example:" + port: 403, "192.0.2.7:1": 403} {
		if a := (probe{host, "GET", "/accounts/nobody", ``, nil, host}).send(t, local); a.status != want {
			t.Errorf("Host %s: %d %v, want %d", host, a.status, a.body, want)
		}
	}
}
