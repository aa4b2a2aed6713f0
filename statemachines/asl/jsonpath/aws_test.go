package jsonpath

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
)

// awsCase is one path evaluation recorded on AWS Step Functions, taken from
// /work/shared/conformance/asl/cases (see "case" for the source).
type awsCase struct {
	Case    string          `json:"case"`
	Path    string          `json:"path"`
	Input   json.RawMessage `json:"input"`
	Context json.RawMessage `json:"context"`
	Want    json.RawMessage `json:"want"`
	NoMatch bool            `json:"nomatch"`
	Message string          `json:"message"`
}

func TestAWSRecordedCases(t *testing.T) {
	raw, err := os.ReadFile("testdata/aws_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []awsCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases loaded")
	}
	for _, c := range cases {
		t.Run(c.Case, func(t *testing.T) {
			p, err := Compile(c.Path)
			if err != nil {
				t.Fatalf("Compile(%q): %v", c.Path, err)
			}
			got, err := p.Get(jsontest.Decode(t, c.Input), jsontest.Decode(t, c.Context))
			if c.NoMatch {
				checkNoMatch(t, err, c.Message)
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			jsontest.Equal(t, got, jsontest.Decode(t, c.Want))
		})
	}
}

func checkNoMatch(t *testing.T, err error, message string) {
	t.Helper()
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("err = %v, want ErrNoMatch", err)
	}
	if message != "" && err.Error() != message {
		t.Fatalf("message = %q, want %q", err.Error(), message)
	}
}
