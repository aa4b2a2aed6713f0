package jsonata

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/statemachines/asl/jsonata/jsonatatest"
)

// suiteDir locates the JSONata reference suite: JSONATA_SUITE_DIR, or
// shared/conformance/jsonata beside the repository. The test fails when it
// is missing.
func suiteDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("JSONATA_SUITE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "conformance", "jsonata")
	}
	if _, err := os.Stat(filepath.Join(dir, "groups")); err != nil {
		t.Fatalf("the JSONata reference suite is not at %s (set JSONATA_SUITE_DIR): %v", dir, err)
	}
	return dir
}

// knownFailures reads testdata/suite-failures.txt: one case name per line,
// a tab, and the reason it fails or is left out.
func knownFailures(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "suite-failures.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("suite-failures.txt: %q has no reason", line)
		}
		out[name] = reason
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// timeScale stretches the suite's wall-clock time limits where the
// machine is slowed: under the race detector, and by
// JSONATA_SUITE_TIME_SCALE. The depth limits are kept exactly.
func timeScale() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("JSONATA_SUITE_TIME_SCALE")); err == nil && s > 0 {
		return time.Duration(s)
	}
	if raceEnabled {
		return 10
	}
	return 1
}

// runCase compiles and evaluates one case the way the reference runner
// does, under the case's limits when it has them.
func runCase(t *testing.T, c *jsonatatest.Case) jsonatatest.Outcome {
	t.Helper()
	expr := c.Expr
	if c.RawExpr != nil {
		v, err := DecodeJSON(c.RawExpr)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		expr = v.(string)
	}
	e, err := Compile(expr)
	if err != nil {
		return outcomeOf(nil, err)
	}
	var opts []Option
	if c.Depth > 0 || c.TimeLimit > 0 {
		opts = append(opts, WithLimits(c.Depth, c.TimeLimit*timeScale()))
	}
	var input any = Undefined
	if !c.NoInput {
		input = decode(t, c.RawInput)
	}
	var bindings map[string]any
	if c.RawBindings != nil {
		b := decode(t, c.RawBindings).(*Object)
		bindings = make(map[string]any, b.Len())
		for _, k := range b.Keys() {
			bindings[k], _ = b.Get(k)
		}
	}
	v, err := e.Evaluate(input, bindings, opts...)
	return outcomeOf(v, err)
}

func decode(t *testing.T, raw []byte) any {
	t.Helper()
	v, err := DecodeJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func outcomeOf(v any, err error) jsonatatest.Outcome {
	if err != nil {
		o := jsonatatest.Outcome{Err: err}
		var e *Error
		if errors.As(err, &e) {
			o.Code, o.Token, o.Message = e.Code, e.Token, e.Message
			o.Fields = map[string]any{"value": e.Value, "functionName": e.fnName}
		}
		return o
	}
	if v == Undefined {
		return jsonatatest.Outcome{Undefined: true}
	}
	return jsonatatest.Outcome{Value: v}
}

// TestReferenceSuite runs every case of the JSONata 2.0.6 reference suite.
// A case listed in testdata/suite-failures.txt must fail (so the list
// stays true); any other case must pass.
func TestReferenceSuite(t *testing.T) {
	cases, err := jsonatatest.Load(suiteDir(t))
	if err != nil {
		t.Fatal(err)
	}
	known := knownFailures(t)
	var passed, failed, skipped int
	seen := map[string]bool{}
	for i := range cases {
		c := &cases[i]
		seen[c.Name] = true
		checkErr := c.Check(runCase(t, c))
		reason, listed := known[c.Name]
		switch {
		case checkErr == nil && listed:
			passed++
			t.Errorf("%s passes but is listed as failing (%s): remove it from suite-failures.txt", c.Name, reason)
		case checkErr == nil:
			passed++
		case listed:
			failed++
			t.Logf("FAIL %s (listed: %s): %v", c.Name, reason, checkErr)
			if testing.Verbose() {
				fmt.Printf("FAIL %s: %s\n", c.Name, reason)
			}
		default:
			failed++
			t.Errorf("FAIL %s: %s: %v", c.Name, c.Expr, checkErr)
			if testing.Verbose() {
				fmt.Printf("FAIL %s: not listed in suite-failures.txt\n", c.Name)
			}
		}
	}
	for name := range known {
		if !seen[name] {
			t.Errorf("suite-failures.txt lists %s, which is not a case of the suite", name)
		}
	}
	// the count line, once: on standard output with -v, where make test
	// reads it, and in the test log otherwise
	if testing.Verbose() {
		fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	} else {
		t.Logf("%d passed, %d failed, %d skipped", passed, failed, skipped)
	}
}
