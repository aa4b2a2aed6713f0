package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The AWS CLI test runs the real `aws stepfunctions` against the server:
// STEPFOLD_AWSCLI names the CLI (default: aws on PATH). Without one it
// skips, unless STEPFOLD_REQUIRE_AWSCLI=1 (as scripts/test.sh sets, after
// installing Debian's awscli), when it fails.

// awsCLI runs the CLI; it holds the path and the environment.
type awsCLI struct {
	t    *testing.T
	path string
	env  []string
}

func newAWSCLI(t *testing.T) *awsCLI {
	t.Helper()
	path := os.Getenv("STEPFOLD_AWSCLI")
	if path == "" {
		path, _ = exec.LookPath("aws")
	}
	if path == "" {
		if os.Getenv("STEPFOLD_REQUIRE_AWSCLI") == "1" {
			t.Fatal("STEPFOLD_REQUIRE_AWSCLI=1 but no AWS CLI: install it (apt-get install awscli) or set STEPFOLD_AWSCLI")
		}
		t.Skip("no AWS CLI (set STEPFOLD_AWSCLI, or install Debian's awscli; scripts/test.sh does)")
	}
	home := t.TempDir()
	return &awsCLI{t: t, path: path, env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
		"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER="}}
}

// run runs `aws stepfunctions args...` with more environment and returns
// its decoded output, or its error output when it fails.
func (c *awsCLI) run(env []string, args ...string) (map[string]any, string, error) {
	c.t.Helper()
	cmd := exec.Command(c.path, append([]string{"stepfunctions", "--output", "json"}, args...)...)
	cmd.Env = append(append([]string{}, c.env...), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, stderr.String(), err
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		c.t.Fatalf("aws %v printed %q: %v", args, out, err)
	}
	return m, stderr.String(), nil
}

// must is run that fails the test when the CLI fails.
func (c *awsCLI) must(env []string, args ...string) map[string]any {
	c.t.Helper()
	m, stderr, err := c.run(env, args...)
	if err != nil {
		c.t.Fatalf("aws stepfunctions %v: %v\n%s", args, err, stderr)
	}
	return m
}

// TestAWSCLI drives the Step Functions API with the real AWS CLI, which
// sends its own Host and Content-Type, through both loopback names. The
// CLI sends StartSyncExecution to "sync-" + the endpoint's host (Debian's
// awscli 2.9 has no way to turn that off): the test routes the CLI through
// the server as its HTTP proxy, so the request arrives with that Host as
// it would through /etc/hosts. sync-127.0.0.1 is refused, with a message
// that explains it, and writes nothing; sync-localhost, allowed with
// --allow-host, runs.
func TestAWSCLI(t *testing.T) {
	cli := newAWSCLI(t)
	s := startServe(t, t.TempDir(), []string{"--allow-host", "sync-localhost"})
	defer s.stop(t)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
	ip, local := "http://127.0.0.1:"+port, "http://localhost:"+port

	sms := cli.must(nil, "list-state-machines", "--endpoint-url", ip)
	if b, _ := json.Marshal(sms); !strings.Contains(string(b), `"stateMachineArn":"`+machineARN+`"`) {
		t.Fatalf("list-state-machines: %s", b)
	}
	started := cli.must(nil, "start-execution", "--endpoint-url", local, "--state-machine-arn", machineARN, "--name", "cli-1",
		"--input", `{"type":"Deposit","accountId":"acc-1","commandId":"cli-1","amount":7}`)
	arn, _ := started["executionArn"].(string)
	var d map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		d = cli.must(nil, "describe-execution", "--endpoint-url", ip, "--execution-arn", arn)
		if d["status"] != "RUNNING" || time.Now().After(deadline) {
			break
		}
	}
	if d["status"] != "SUCCEEDED" || !strings.Contains(d["output"].(string), `"balance":7`) {
		t.Fatalf("describe-execution %s: %v", arn, d)
	}

	proxy := []string{"HTTP_PROXY=" + s.url, "http_proxy=" + s.url, "NO_PROXY=", "no_proxy="}
	syncDeposit := func(endpoint, id string) (map[string]any, string, error) {
		return cli.run(proxy, "start-sync-execution", "--endpoint-url", endpoint, "--state-machine-arn", machineARN,
			"--input", `{"type":"Deposit","accountId":"acc-1","commandId":"`+id+`","amount":5}`)
	}
	if _, stderr, err := syncDeposit(ip, "cli-refused"); err == nil || !strings.Contains(stderr, "(HostNotAllowed)") ||
		!strings.Contains(stderr, `"sync-127.0.0.1:`+port+`"`) || !strings.Contains(stderr, "host prefix injection off") {
		t.Fatalf("start-sync-execution to sync-127.0.0.1: %v %s", err, stderr)
	}
	out, stderr, err := syncDeposit(local, "cli-sync")
	if err != nil || out["status"] != "SUCCEEDED" || !strings.Contains(out["output"].(string), `"balance":12`) {
		t.Fatalf("start-sync-execution to sync-localhost: %v %v %s", err, out, stderr)
	}
	list := cli.must(nil, "list-executions", "--endpoint-url", ip, "--state-machine-arn", machineARN)
	if n := len(list["executions"].([]any)); n != 3 {
		t.Errorf("%d executions, want the opening, cli-1 and cli-sync (the refused one wrote nothing)", n)
	}
}
