//go:build linux

package lambdarie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Environment variables the helpers read.
const (
	// EnvEmulator names the emulator binary, as scripts/lambda-rie.sh
	// install prints it.
	EnvEmulator = "STEPFOLD_LAMBDA_RIE"
	// EnvRequire, set to 1, makes a missing emulator fail a test rather
	// than skip it. The full test command sets it.
	EnvRequire = "STEPFOLD_REQUIRE_RIE"
)

// installPath is where scripts/lambda-rie.sh installs the emulator,
// relative to the module root.
const installPath = ".cache/lambda-rie/aws-lambda-rie"

// invokePath is the emulator's stand-in for Lambda's Invoke API.
const invokePath = "/2015-03-31/functions/function/invocations"

// Timeouts of the emulator's process.
const (
	startTimeout = 10 * time.Second // until it accepts connections
	stopTimeout  = 5 * time.Second  // after SIGTERM, before SIGKILL
)

// Emulator returns the path of the emulator binary: $STEPFOLD_LAMBDA_RIE,
// else the one scripts/lambda-rie.sh installed under the module root, else
// aws-lambda-rie on PATH. When there is none it skips tb, or fails it when
// STEPFOLD_REQUIRE_RIE=1.
func Emulator(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv(EnvEmulator); p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("%s=%s: %v", EnvEmulator, p, err)
		}
		return p
	}
	if root, err := moduleRoot(); err == nil {
		if p := filepath.Join(root, installPath); isFile(p) {
			return p
		}
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	msg := "the Lambda Runtime Interface Emulator is not installed: run scripts/lambda-rie.sh install (make test does)"
	if os.Getenv(EnvRequire) == "1" {
		tb.Fatal(msg + " (" + EnvRequire + "=1, so this fails)")
	}
	tb.Skip(msg)
	return ""
}

// Function is one bootstrap running behind its own emulator: one Lambda
// execution environment, serving one invocation at a time.
type Function struct {
	url     string
	cmd     *exec.Cmd
	out     *output
	exited  chan struct{}
	client  *http.Client
	stopped sync.Once
}

// Start runs the emulator over bootstrap, with env as the whole of its
// environment (the emulator passes it on to the bootstrap), waits until it
// accepts invocations and stops it, with the bootstrap, in tb.Cleanup. The
// bootstrap itself starts on the first Invoke, as on Lambda. The emulator's
// output is logged when tb has failed.
func Start(tb testing.TB, bootstrap string, env map[string]string) *Function {
	tb.Helper()
	emulator := Emulator(tb)
	ports, err := freePorts(2)
	if err != nil {
		tb.Fatal(err)
	}
	f := &Function{
		url:    fmt.Sprintf("http://127.0.0.1:%d%s", ports[0], invokePath),
		out:    &output{},
		exited: make(chan struct{}),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}},
	}
	f.cmd = exec.Command(emulator,
		"--log-level", "info",
		"--runtime-interface-emulator-address", "127.0.0.1:"+strconv.Itoa(ports[0]),
		"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(ports[1]),
		bootstrap)
	f.cmd.Dir = filepath.Dir(bootstrap)
	f.cmd.Env = environ(env)
	f.cmd.Stdout, f.cmd.Stderr = f.out, f.out
	// A process group of its own, so that stopping it reaches the bootstrap.
	f.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := f.cmd.Start(); err != nil {
		tb.Fatalf("start the emulator: %v", err)
	}
	go func() { _ = f.cmd.Wait(); close(f.exited) }()
	tb.Cleanup(func() {
		f.Stop()
		if tb.Failed() {
			tb.Logf("emulator and bootstrap output:\n%s", f.Log())
		}
	})
	if err := f.awaitListening(ports[0]); err != nil {
		tb.Fatalf("%v\n%s", err, f.Log())
	}
	return f
}

// Invoke sends payload as one invocation and returns the function's
// result. A function error is a *FunctionError; any other error means the
// emulator did not answer with a result.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("invoke: read the response: %w", err)
	}
	if resp.StatusCode == http.StatusBadGateway {
		return nil, &RuntimeError{Type: f.fatalError(), Body: body}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("invoke: the emulator answered %s: %s", resp.Status, body)
	}
	if fe := functionError(body); fe != nil {
		return nil, fe
	}
	return body, nil
}

// Log returns what the emulator and the bootstrap have written so far.
func (f *Function) Log() string { return f.out.String() }

// FunctionError is a function error: the error document the runtime posted
// to the Runtime API, as the emulator returned it.
type FunctionError struct {
	Type    string // errorType: the Step Functions error name
	Message string // errorMessage
	Payload []byte // the whole document
}

// Error returns the type and message.
func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// RuntimeError is an invocation the runtime did not answer: it exited,
// during its init or during the invocation. Lambda reports that as a
// function error whose errorType is the fatal error, such as
// Runtime.ExitError; the emulator answers 502 instead, with Body (often
// empty), and logs the fatal error, which Type holds.
type RuntimeError struct {
	Type string // the fatal error the emulator logged, "" if none
	Body []byte
}

// Error returns the fatal error.
func (e *RuntimeError) Error() string {
	return fmt.Sprintf("the runtime failed (%s) and the emulator answered 502: %s", e.Type, e.Body)
}

// functionError returns body as a *FunctionError when it is a runtime's
// error document, and nil for a result.
func functionError(body []byte) *FunctionError {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil || doc["errorType"] == nil {
		return nil
	}
	for k := range doc {
		if !slices.Contains([]string{"errorType", "errorMessage", "stackTrace"}, k) {
			return nil
		}
	}
	var e struct {
		Type    string `json:"errorType"`
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &e) != nil {
		return nil
	}
	return &FunctionError{Type: e.Type, Message: e.Message, Payload: body}
}

// awaitListening waits until the emulator accepts connections on port.
func (f *Function) awaitListening(port int) error {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-f.exited:
			return fmt.Errorf("the emulator exited before it listened on %s: %v", addr, f.cmd.ProcessState)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("the emulator did not listen on %s within %s", addr, startTimeout)
}

// Stop ends the emulator and the bootstrap (their process group): SIGTERM,
// then SIGKILL. Start's cleanup calls it; call it sooner to stop a
// function before the test ends. It may be called more than once.
func (f *Function) Stop() {
	f.stopped.Do(func() {
		f.client.CloseIdleConnections()
		pgid := -f.cmd.Process.Pid
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-f.exited:
		case <-time.After(stopTimeout):
			_ = syscall.Kill(pgid, syscall.SIGKILL)
			<-f.exited
		}
		// The bootstrap may outlive the emulator by a moment.
		_ = syscall.Kill(pgid, syscall.SIGKILL)
	})
}

// environ renders env as a process environment, in a stable order.
func environ(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// freePorts returns n distinct ports that were free on 127.0.0.1 a moment
// ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// moduleRoot returns the nearest directory at or above the working
// directory that holds a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
