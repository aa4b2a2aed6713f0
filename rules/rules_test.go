package rules_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/rules"
)

// bank reads the bank's rules file.
func bank(t *testing.T) rules.Set {
	t.Helper()
	set, err := rules.Parse(account.Domain{}.Info().Rules)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestParseABankFile(t *testing.T) {
	set := bank(t)
	var err error
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

// TestRetry reads the retry policies: the file's for notify, EventBridge's
// defaults for a target the file does not list, and the limits themselves.
func TestRetry(t *testing.T) {
	set := bank(t)
	bounds, err := rules.Parse(readFile(t, "testdata/retry-bounds.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		set    rules.Set
		target string
		want   rules.Retry
	}{
		{set, "notify", rules.Retry{RetryAttempts: 8, MaxEventAge: 4 * time.Hour}},
		{set, "archive", rules.Retry{RetryAttempts: 185, MaxEventAge: 24 * time.Hour}},
		{bounds, "hook", rules.Retry{RetryAttempts: 0, MaxEventAge: time.Minute}},
	}
	for _, tt := range tests {
		if got := tt.set.Retry(tt.target); got != tt.want {
			t.Errorf("Retry(%s) = %+v, want %+v", tt.target, got, tt.want)
		}
	}
}

// TestParseRejects reads every testdata/bad-*.json and wants an error that
// says where it comes from and what is wrong.
func TestParseRejects(t *testing.T) {
	want := map[string]string{
		"bad-duplicate-name.json":          `rule name "a" is used twice`,
		"bad-no-source.json":               "no source",
		"bad-no-target.json":               "rule 0 needs a name, a target and an eventPattern",
		"bad-truncated.json":               "unexpected EOF",
		"bad-trailing-data.json":           "data after the JSON object",
		"bad-retry-attempts-too-many.json": `targets: "hook": retryPolicy: maximumRetryAttempts is 186; EventBridge allows 0 to 185`,
		"bad-retry-attempts-negative.json": "maximumRetryAttempts is -1; EventBridge allows 0 to 185",
		"bad-retry-attempts-fraction.json": "cannot unmarshal number 2.5",
		"bad-retry-age-too-short.json":     "maximumEventAgeInSeconds is 59; EventBridge allows 60 to 86400",
		"bad-retry-age-too-long.json":      "maximumEventAgeInSeconds is 86401; EventBridge allows 60 to 86400",
		"bad-retry-misspelt.json":          `unknown field "maximumRetryAttempt"`,
		"bad-retry-unknown-target.json":    `targets: "hoook" is the target of no rule`,
	}
	files, err := filepath.Glob("testdata/bad-*.json")
	if err != nil || len(files) != len(want) {
		t.Fatalf("%d fixtures for %d cases: %v", len(files), len(want), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := rules.Parse(readFile(t, f))
			msg, ok := want[filepath.Base(f)]
			switch {
			case !ok:
				t.Fatalf("no expected error for %s", f)
			case err == nil:
				t.Fatalf("Parse accepted %s", f)
			case !strings.HasPrefix(err.Error(), "rules: ") || !strings.Contains(err.Error(), msg):
				t.Errorf("error %q; want one starting with %q and saying %q", err, "rules: ", msg)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
