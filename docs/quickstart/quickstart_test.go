package quickstart

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// line is one curl line of the quick start and what its comment promises.
type line struct {
	cmd    string // the command, without its comment
	status int    // the status the comment names; 0 for any 2xx
	code   string // the error code the comment names, if any
	body   string // the JSON body the comment shows, if any
}

// promise reads "# 422 InsufficientFunds" and "# {...}" comments.
var promise = regexp.MustCompile(`^(\d{3}) ([A-Za-z]+)$`)

// curlLines returns the curl lines of the sh blocks in the README's
// "## Quick start" section, in order.
func curlLines(readme string) []line {
	_, section, _ := strings.Cut(readme, "\n## Quick start\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var out []line
	inSh := false
	for _, l := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(l, "```sh"):
			inSh = true
		case strings.HasPrefix(l, "```"):
			inSh = false
		case inSh && strings.HasPrefix(l, "curl "):
			cmd, comment, _ := strings.Cut(l, " #")
			ln := line{cmd: strings.TrimSpace(cmd)}
			comment = strings.TrimSpace(comment)
			if m := promise.FindStringSubmatch(comment); m != nil {
				ln.status, _ = strconv.Atoi(m[1])
				ln.code = m[2]
			} else if strings.HasPrefix(comment, "{") {
				ln.body = comment
			}
			out = append(out, ln)
		}
	}
	return out
}

// repoRoot is the repository's root, from the package's directory, where
// go test runs the test.
const repoRoot = "../.."

// serve builds stepfold, starts `stepfold serve` on a free port over a
// fresh data directory, and returns its address. It stops the server when
// the test ends.
func serve(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "stepfold")
	build := exec.Command("go", "build", "-o", bin, "./cmd/stepfold")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/stepfold: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	var log bytes.Buffer
	srv := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0", "--log-level", "warn")
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		if err := srv.Wait(); err != nil {
			t.Errorf("stepfold serve ended with %v:\n%s", err, log.String())
		}
	})
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var info struct{ Addr string }
		if b, err := os.ReadFile(filepath.Join(data, "server.json")); err == nil && json.Unmarshal(b, &info) == nil && info.Addr != "" {
			return info.Addr
		}
	}
	t.Fatalf("stepfold serve wrote no server.json in 60 s:\n%s", log.String())
	return ""
}

// TestQuickStart runs the README's curl lines, as written but for the
// server's port, and checks each answer: a 2xx, or the status and error
// code its comment names, and the body its comment shows.
func TestQuickStart(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("the quick start is curl lines, and there is no curl on the PATH")
	}
	root := repoRoot
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := curlLines(string(readme))
	if len(lines) < 10 {
		t.Fatalf("the quick start has %d curl lines; it shows the bank and the inventory", len(lines))
	}
	addr := serve(t, root)
	_, port, _ := strings.Cut(addr, ":")
	for _, l := range lines {
		cmd := strings.ReplaceAll(l.cmd, "localhost:8080", "localhost:"+port)
		body := filepath.Join(t.TempDir(), "body")
		sh := exec.Command("sh", "-c", cmd+` -sS --max-time 60 -o "$BODY" -w '%{http_code}'`)
		sh.Env = append(os.Environ(), "BODY="+body, "PATH="+filepath.Dir(curl)+":"+os.Getenv("PATH"))
		out, err := sh.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", l.cmd, err, out)
		}
		status, _ := strconv.Atoi(string(out))
		got, _ := os.ReadFile(body)
		switch {
		case l.status == 0 && (status < 200 || status > 299):
			t.Errorf("%s: %d %s, want a 2xx", l.cmd, status, got)
		case l.status != 0 && status != l.status:
			t.Errorf("%s: %d %s, want %d", l.cmd, status, got, l.status)
		case l.code != "" && !bytes.Contains(got, []byte(`"error":"`+l.code+`"`)):
			t.Errorf("%s: %s, want the error %s", l.cmd, got, l.code)
		case l.body != "" && !sameJSON(got, []byte(l.body)):
			t.Errorf("%s: %s, want %s", l.cmd, got, l.body)
		}
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
