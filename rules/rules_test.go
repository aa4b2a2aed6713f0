package rules_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/rules"
)

func TestDefault(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	if set.Source != "stepfold.accounts" || len(set.Rules) < 2 {
		t.Fatalf("Default() = %+v", set)
	}
	for _, r := range set.Rules {
		var pattern map[string]any
		if err := json.Unmarshal(r.EventPattern, &pattern); err != nil {
			t.Errorf("rule %s: pattern is not a JSON object: %v", r.Name, err)
		}
		if src, _ := pattern["source"].([]any); len(src) != 1 || src[0] != set.Source {
			t.Errorf("rule %s matches source %v, want only %q", r.Name, pattern["source"], set.Source)
		}
	}
}

func TestParseRejects(t *testing.T) {
	files, err := filepath.Glob("testdata/bad-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rules.Parse(data); err == nil {
				t.Fatalf("Parse accepted %s", f)
			} else if !strings.HasPrefix(err.Error(), "rules: ") {
				t.Errorf("error %q does not say where it comes from", err)
			}
		})
	}
}
