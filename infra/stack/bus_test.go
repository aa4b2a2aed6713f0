package stack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/rules"
)

// TestRulesMapping checks each entry of rules.json against what it maps to:
// notify -> a rule on the bus with the file's pattern, targeting the notify
// function with a DLQ and retries; archive -> an archive of the bus with the
// file's pattern and no rule.
func TestRulesMapping(t *testing.T) {
	b := defaultStack(t)
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	var notify, archive int
	for _, r := range set.Rules {
		switch r.Target {
		case TargetNotify:
			notify++
			checkNotifyRule(t, b, r)
		case TargetArchive:
			archive++
			checkArchive(t, b, r)
		default:
			t.Errorf("rule %s: target %s has no mapping", r.Name, r.Target)
		}
	}
	if notify == 0 || archive == 0 {
		t.Fatalf("rules.json has %d notify and %d archive entries; the test needs one of each", notify, archive)
	}
	if n := len(b.resources("AWS::Events::Rule")); n != notify {
		t.Errorf("%d EventBridge rules, want %d (one per notify entry, none for archive entries)", n, notify)
	}
	if n := len(b.resources("AWS::Events::Archive")); n != archive {
		t.Errorf("%d archives, want %d", n, archive)
	}
}

func checkNotifyRule(t *testing.T, b *built, r rules.Rule) {
	t.Helper()
	rule, ok := b.stack.Bus.Rules[r.Name]
	if !ok {
		t.Fatalf("no rule for %s", r.Name)
	}
	p := b.props(t, b.id(rule))
	if !jsonEqual(p["EventPattern"], rawJSON(t, r.EventPattern)) {
		t.Errorf("%s pattern = %s, want %s", r.Name, mustJSON(p["EventPattern"]), r.EventPattern)
	}
	if !jsonEqual(p["EventBusName"], ref(b.id(b.stack.Bus.EventBus))) {
		t.Errorf("%s is on bus %v, want the stack's bus", r.Name, p["EventBusName"])
	}
	targets := p["Targets"].([]any)
	if len(targets) != 1 {
		t.Fatalf("%s has %d targets, want 1", r.Name, len(targets))
	}
	target := targets[0].(map[string]any)
	if !jsonEqual(target["Arn"], getAtt(b.id(b.stack.Functions.Notify), "Arn")) {
		t.Errorf("%s target = %v, want the notify function", r.Name, target["Arn"])
	}
	if !jsonEqual(target["DeadLetterConfig"], map[string]any{"Arn": getAtt(b.id(b.stack.Bus.NotifyDeadLetterQueue), "Arn")}) {
		t.Errorf("%s DeadLetterConfig = %v, want the notify DLQ", r.Name, target["DeadLetterConfig"])
	}
	if !jsonEqual(target["RetryPolicy"], map[string]any{"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 4 * 3600}) {
		t.Errorf("%s RetryPolicy = %v; want rules.json's 8 retries within 4 hours", r.Name, target["RetryPolicy"])
	}
}

// TestRetryPolicyFromRules maps a target's retry policy in the rules file
// onto the EventBridge target: EventBridge's defaults when the file gives
// none, and the file's values, down to the lowest EventBridge allows.
func TestRetryPolicyFromRules(t *testing.T) {
	tests := []struct {
		name    string
		targets map[string]rules.Target
		want    map[string]any
	}{
		{"defaults", nil, map[string]any{"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}},
		{"lowest", map[string]rules.Target{TargetNotify: {RetryPolicy: &rules.RetryPolicy{
			MaximumRetryAttempts: ptr(0), MaximumEventAgeInSeconds: ptr(60)}}},
			map[string]any{"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}},
		{"age only", map[string]rules.Target{TargetNotify: {RetryPolicy: &rules.RetryPolicy{MaximumEventAgeInSeconds: ptr(3600)}}},
			map[string]any{"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 3600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := build(t, t.TempDir(), func(c *Config) {
				c.Rules.Rules = []rules.Rule{{Name: "n", Target: TargetNotify, EventPattern: json.RawMessage(`{"source":["stepfold.accounts"]}`)}}
				c.Rules.Targets = tt.targets
			})
			if err != nil {
				t.Fatal(err)
			}
			targets := b.props(t, b.id(b.stack.Bus.Rules["n"]))["Targets"].([]any)
			if got := targets[0].(map[string]any)["RetryPolicy"]; !jsonEqual(got, tt.want) {
				t.Errorf("RetryPolicy = %s, want %s", mustJSON(got), mustJSON(tt.want))
			}
		})
	}
}

func ptr(n int) *int { return &n }

func checkArchive(t *testing.T, b *built, r rules.Rule) {
	t.Helper()
	a, ok := b.stack.Bus.Archives[r.Name]
	if !ok {
		t.Fatalf("no archive for %s", r.Name)
	}
	p := b.props(t, b.id(a))
	if !jsonEqual(p["EventPattern"], rawJSON(t, r.EventPattern)) {
		t.Errorf("%s archive pattern = %s, want %s", r.Name, mustJSON(p["EventPattern"]), r.EventPattern)
	}
	if !jsonEqual(p["SourceArn"], getAtt(b.id(b.stack.Bus.EventBus), "Arn")) {
		t.Errorf("%s archives %v, want the stack's bus", r.Name, p["SourceArn"])
	}
}

// TestPatternOperatorsPassVerbatim uses content filters that EventBridge's
// typed pattern could mangle, and expects them unchanged in the template.
func TestPatternOperatorsPassVerbatim(t *testing.T) {
	pattern := `{"source":["stepfold.accounts"],"detail-type":[{"anything-but":["FundsDeposited"]}],"detail":{"reference":[{"prefix":"inv-"}],"eventId":[{"exists":true}]}}`
	b, err := build(t, t.TempDir(), func(c *Config) {
		c.Rules.Rules = []rules.Rule{{Name: "n", Target: TargetNotify, EventPattern: json.RawMessage(pattern)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := b.props(t, b.id(b.stack.Bus.Rules["n"]))["EventPattern"]
	if !jsonEqual(got, rawJSON(t, []byte(pattern))) {
		t.Errorf("pattern = %s, want %s", mustJSON(got), pattern)
	}
}

func TestUnmappedTargetIsAnError(t *testing.T) {
	_, err := build(t, t.TempDir(), func(c *Config) {
		c.Rules.Rules = append(c.Rules.Rules, rules.Rule{Name: "hook", Target: "billing-webhook", EventPattern: json.RawMessage(`{"source":["x"]}`)})
	})
	if err == nil || !strings.Contains(err.Error(), "billing-webhook") {
		t.Fatalf("err = %v, want one naming the unmapped target", err)
	}
}

func rawJSON(t *testing.T, raw []byte) any { return parseJSON(t, string(raw)) }
