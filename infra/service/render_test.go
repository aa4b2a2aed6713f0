package service

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// The Velocity 1.7 jars of Debian's velocity package. Render.java needs
// them; without them (or without a JDK) the template-rendering tests skip.
var velocityJars = []string{
	"/usr/share/java/velocity.jar",
	"/usr/share/java/commons-lang.jar",
	"/usr/share/java/commons-collections3.jar",
}

// missing skips the test, or fails it when the run requires Velocity.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("STEPFOLD_REQUIRE_VELOCITY") == "1" {
		t.Fatalf(strings.TrimPrefix(format, "skipping: "), args...)
	}
	t.Skipf(format, args...)
}

var (
	renderOnce sync.Once
	renderDir  string
	renderErr  error
)

// renderer compiles testdata/vtl/Render.java once, or skips the test with
// what is missing. Under STEPFOLD_REQUIRE_VELOCITY=1 (the full test
// command installs it) a missing tool fails the test instead.
func renderer(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"java", "javac"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing(t, "skipping: %s is not installed (a JDK renders the mapping templates)", tool)
		}
	}
	for _, jar := range velocityJars {
		if _, err := os.Stat(jar); err != nil {
			missing(t, "skipping: %s is missing (apt-get install velocity)", jar)
		}
	}
	renderOnce.Do(func() {
		if renderDir, renderErr = os.MkdirTemp("", "stepfold-vtl"); renderErr != nil {
			return
		}
		src, _ := filepath.Abs(filepath.Join("testdata", "vtl", "Render.java"))
		out, err := exec.Command("javac", "-nowarn", "-cp", strings.Join(velocityJars, ":"), "-d", renderDir, src).CombinedOutput()
		if err != nil {
			renderErr = fmt.Errorf("javac: %v\n%s", err, out)
		}
	})
	if renderErr != nil {
		t.Fatal(renderErr)
	}
	return renderDir
}

// vtlRequest is what a template sees: the body, headers, path parameters
// and the API request id.
type vtlRequest struct {
	body      string
	headers   map[string]string
	path      map[string]string
	requestID string
}

// render evaluates the template with Velocity and returns the status it
// set through $context.responseOverride.status ("" if none) and its output.
func render(t *testing.T, template string, r vtlRequest) (status, out string) {
	t.Helper()
	dir := renderer(t)
	props := map[string]string{"template": template, "body": r.body, "context.requestId": r.requestID}
	for k, v := range r.headers {
		props["header."+k] = v
	}
	for k, v := range r.path {
		props["path."+k] = v
	}
	cmd := exec.Command("java", "-cp", strings.Join(append([]string{dir}, velocityJars...), ":"), "Render")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(properties(props))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("render: %v\n%s", err, stderr.String())
	}
	first, rest, _ := strings.Cut(string(raw), "\n")
	return strings.TrimPrefix(first, "status="), rest
}

// properties encodes m as a java.util.Properties file, every character
// outside [A-Za-z0-9] as a \u escape.
func properties(m map[string]string) string {
	esc := func(s string) string {
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(s)) {
			if (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') {
				b.WriteByte(byte(u))
			} else {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		}
		return b.String()
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(esc(k) + "=" + esc(m[k]) + "\n")
	}
	return b.String()
}
