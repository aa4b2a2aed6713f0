package jsonata

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// differentialInputs are the documents the generated expressions run on.
var differentialInputs = []string{
	`{"name":"Fred","age":28,"tags":["a","b","c"],"address":{"city":"Winchester","zip":"SO21 2JN"},` +
		`"orders":[{"id":1,"price":10.5,"qty":2,"items":[{"sku":"x","n":1},{"sku":"y","n":3}]},` +
		`{"id":2,"price":3.25,"qty":1,"items":[{"sku":"z","n":2}]},{"id":3,"price":100,"qty":0,"items":[]}],` +
		`"flag":true,"nothing":null,"empty":{},"nums":[3,1,2,5,4],"Product Name":"Widget","b":{"1":"one","a":"x","0":"zero"}}`,
	`[1,"two",{"a":1,"b":[1,2]},[3,4],null,true,{"a":[{"b":5},{"b":6}]}]`,
	`"a string"`,
	``, // no input
}

// differentialCount is how many expressions the test generates.
const differentialCount = 3000

// reference is a running node process evaluating with npm jsonata.
type reference struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Scanner
}

type refRequest struct {
	Expr     string          `json:"expr"`
	Input    json.RawMessage `json:"input,omitempty"`
	Bindings map[string]any  `json:"bindings"`
}

type refResponse struct {
	Result    *string `json:"result"`
	Undefined bool    `json:"undefined"`
	Function  bool    `json:"function"`
	Error     *struct {
		Code, Token, Message string
	} `json:"error"`
}

// startReference starts scripts/jsonata/reference.js. Without node or the
// pinned package the test skips, or fails when STEPFOLD_REQUIRE_NODE=1.
func startReference(t *testing.T) *reference {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("STEPFOLD_REQUIRE_NODE") == "1" {
			t.Fatalf("the differential test needs %s (STEPFOLD_REQUIRE_NODE=1); run npm ci --prefix .tools", why)
		}
		t.Skipf("skipping: %s is missing (set STEPFOLD_REQUIRE_NODE=1 to fail instead)", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node")
	}
	root := filepath.Join("..", "..", "..")
	module := filepath.Join(root, ".tools", "node_modules", "jsonata", "package.json")
	b, err := os.ReadFile(module)
	if err != nil {
		missing("npm jsonata in .tools/node_modules")
	}
	var pkg struct{ Version string }
	if json.Unmarshal(b, &pkg); pkg.Version != "2.0.6" {
		t.Fatalf(".tools/node_modules/jsonata is %q, not the pinned 2.0.6; run npm ci --prefix .tools", pkg.Version)
	}
	cmd := exec.Command(node, filepath.Join(root, "scripts", "jsonata", "reference.js"))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return &reference{cmd: cmd, in: bufio.NewWriter(stdin), out: sc}
}

// evaluateAll sends every request, then reads the answers in order.
func (r *reference) evaluateAll(t *testing.T, reqs []refRequest) []refResponse {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		enc := json.NewEncoder(r.in)
		for _, q := range reqs {
			if err := enc.Encode(q); err != nil {
				errc <- err
				return
			}
		}
		errc <- r.in.Flush()
	}()
	out := make([]refResponse, 0, len(reqs))
	for len(out) < len(reqs) && r.out.Scan() {
		var resp refResponse
		if err := json.Unmarshal(r.out.Bytes(), &resp); err != nil {
			t.Fatalf("reference answer %q: %v", r.out.Text(), err)
		}
		out = append(out, resp)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if len(out) != len(reqs) {
		t.Fatalf("the reference answered %d of %d requests (%v)", len(out), len(reqs), r.out.Err())
	}
	return out
}

// ours evaluates a request with this package and describes the outcome
// the way reference.js does.
func ours(q refRequest) refResponse {
	e, err := Compile(q.Expr)
	if err == nil {
		var input any = Undefined
		if len(q.Input) > 0 {
			input, err = DecodeJSON(q.Input)
		}
		if err == nil {
			var v any
			v, _, err = e.evaluate(input, q.Bindings, []Option{WithLimits(2000, time.Minute), WithOrderedObjects()})
			switch {
			case err != nil:
			case isUndef(v):
				return refResponse{Undefined: true}
			case isFunction(v):
				return refResponse{Function: true}
			default:
				s, serr := stringifyJSON(v)
				if serr != nil {
					err = serr
					break
				}
				return refResponse{Result: &s}
			}
		}
	}
	resp := refResponse{Error: &struct{ Code, Token, Message string }{Code: "GO"}}
	if e, ok := err.(*Error); ok {
		resp.Error.Code, resp.Error.Token, resp.Error.Message = e.Code, e.Token, e.Error()
	} else {
		resp.Error.Message = err.Error()
	}
	return resp
}

func describe(r refResponse) string {
	switch {
	case r.Error != nil:
		return "error " + r.Error.Code + " (" + r.Error.Message + ")"
	case r.Undefined:
		return "undefined"
	case r.Function:
		return "a function"
	case r.Result != nil:
		return *r.Result
	}
	return "nothing"
}

// agree compares two outcomes: the same JSON text, both undefined, both a
// function, or errors with the same code. A JavaScript error of the
// reference (a TypeError inside jsonata-js) agrees with any error.
func agree(ref, got refResponse) bool {
	switch {
	case ref.Error != nil:
		return got.Error != nil && (ref.Error.Code == got.Error.Code || strings.HasPrefix(ref.Error.Code, "JS:"))
	case ref.Undefined:
		return got.Undefined
	case ref.Function:
		return got.Function
	}
	return got.Result != nil && *got.Result == *ref.Result
}

// TestDifferential generates expressions with a fixed seed and checks that
// this package and npm jsonata 2.0.6 agree on every one of them.
func TestDifferential(t *testing.T) {
	ref := startReference(t)
	g := newExprGen(20241129)
	reqs := make([]refRequest, 0, differentialCount)
	for i := 0; i < differentialCount; i++ {
		q := refRequest{Expr: g.expr(2 + i%3), Bindings: map[string]any{}}
		if in := differentialInputs[i%len(differentialInputs)]; in != "" {
			q.Input = json.RawMessage(in)
		}
		reqs = append(reqs, q)
	}
	answers := ref.evaluateAll(t, reqs)
	var values, errs, undef, jsErrs, mismatches int
	for i, q := range reqs {
		want, got := answers[i], ours(q)
		if !agree(want, got) {
			mismatches++
			t.Errorf("%s\n  input: %s\n  reference: %s\n  ours:      %s", q.Expr, q.Input, describe(want), describe(got))
			continue
		}
		switch {
		case want.Error != nil && strings.HasPrefix(want.Error.Code, "JS:"):
			jsErrs++
		case want.Error != nil:
			errs++
		case want.Undefined:
			undef++
		default:
			values++
		}
	}
	t.Logf("%d expressions: %d agree on a value, %d on undefined, %d on an error code, %d where the reference threw a JavaScript error; %d disagree",
		len(reqs), values, undef, errs, jsErrs, mismatches)
}
