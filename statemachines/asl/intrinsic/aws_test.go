package intrinsic

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
)

// awsCase is one intrinsic call recorded on AWS Step Functions, taken from
// /work/shared/conformance/asl/cases/intrinsic_functions (see "case").
// Random results were not recorded; for them only the shape is checked.
type awsCase struct {
	Case    string          `json:"case"`
	Expr    string          `json:"expr"`
	Input   json.RawMessage `json:"input"`
	Context json.RawMessage `json:"context"`
	Want    json.RawMessage `json:"want"`
	Random  bool            `json:"random"`
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestAWSRecordedCases(t *testing.T) {
	raw, err := os.ReadFile("testdata/aws_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []awsCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 91 {
		t.Fatalf("loaded %d cases, want 91", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Case, func(t *testing.T) {
			e, err := Compile(c.Expr)
			if err != nil {
				t.Fatalf("Compile(%q): %v", c.Expr, err)
			}
			got, err := e.Eval(jsontest.Decode(t, c.Input), jsontest.Decode(t, c.Context), Env{})
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if c.Random {
				checkRandomShape(t, c.Expr, jsontest.Decode(t, c.Input), got)
				return
			}
			jsontest.Equal(t, got, jsontest.Decode(t, c.Want))
		})
	}
}

// checkRandomShape checks an unrecorded random result: a v4 UUID, or a
// MathRandom integer within [fst, snd).
func checkRandomShape(t *testing.T, expr string, input, got any) {
	t.Helper()
	if s, ok := got.(string); ok {
		if !uuidV4.MatchString(s) {
			t.Fatalf("%q is not a v4 UUID", s)
		}
		return
	}
	n, ok := got.(json.Number)
	if !ok {
		t.Fatalf("%s gave %T, want a number", expr, got)
	}
	fi := input.(map[string]any)["FunctionInput"].(map[string]any)
	v, _ := n.Int64()
	lo, _ := fi["fst"].(json.Number).Int64()
	hi, _ := fi["snd"].(json.Number).Int64()
	if v < lo || v >= hi {
		t.Fatalf("%d not in [%d, %d)", v, lo, hi)
	}
}
