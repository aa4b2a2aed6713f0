package stack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/stepfold/stepfold/infra/service"
	"github.com/stepfold/stepfold/rules"
)

// TestRulesMapping checks each entry of each domain's rules file against
// what it maps to: a subscriber's task -> a rule on the shared bus with
// the file's pattern, targeting the subscriber's function with a DLQ and
// retries; an archive target -> an archive of the bus with the file's
// pattern and no rule.
func TestRulesMapping(t *testing.T) {
	b := defaultStack(t)
	var subscribed, archived int
	for _, svc := range b.services(t) {
		set, err := rules.Parse(svc.Info.Rules)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range set.Rules {
			if _, ok := svc.Functions[r.Target]; ok {
				subscribed++
				checkSubscriberRule(t, b, svc, r)
			} else {
				archived++
				checkArchive(t, b, svc, r)
			}
		}
	}
	// The bank notifies and archives; the inventory archives twice.
	if subscribed != 1 || archived != 3 {
		t.Fatalf("%d subscriber and %d archive entries; want 1 and 3", subscribed, archived)
	}
	if n := len(b.Resources("AWS::Events::Rule")); n != subscribed {
		t.Errorf("%d EventBridge rules, want %d (one per subscriber entry, none for archive entries)", n, subscribed)
	}
	if n := len(b.Resources("AWS::Events::Archive")); n != archived {
		t.Errorf("%d archives, want %d", n, archived)
	}
	if n := len(b.Resources("AWS::Events::EventBus")); n != 1 {
		t.Errorf("%d event buses, want the one the domains share", n)
	}
}

func checkSubscriberRule(t *testing.T, b *built, svc *service.Service, r rules.Rule) {
	t.Helper()
	rule, ok := svc.Bus.Rules[r.Name]
	if !ok {
		t.Fatalf("no rule for %s", r.Name)
	}
	p := withPattern(t, b, rule, r)
	if !jsonEqual(p["EventBusName"], ref(b.ID(b.stack.Bus))) {
		t.Errorf("%s is on bus %v, want the stack's bus", r.Name, p["EventBusName"])
	}
	targets := p["Targets"].([]any)
	if len(targets) != 1 {
		t.Fatalf("%s has %d targets, want 1", r.Name, len(targets))
	}
	target := targets[0].(map[string]any)
	if !jsonEqual(target["Arn"], getAtt(b.ID(svc.Functions[r.Target]), "Arn")) {
		t.Errorf("%s target = %v, want the %s function", r.Name, target["Arn"], r.Target)
	}
	if !jsonEqual(target["DeadLetterConfig"], map[string]any{"Arn": getAtt(b.ID(svc.Bus.DeadLetterQueues[r.Target]), "Arn")}) {
		t.Errorf("%s DeadLetterConfig = %v, want the %s DLQ", r.Name, target["DeadLetterConfig"], r.Target)
	}
	if !jsonEqual(target["RetryPolicy"], map[string]any{"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 4 * 3600}) {
		t.Errorf("%s RetryPolicy = %v; want the rules file's 8 retries within 4 hours", r.Name, target["RetryPolicy"])
	}
}

func checkArchive(t *testing.T, b *built, svc *service.Service, r rules.Rule) {
	t.Helper()
	a, ok := svc.Bus.Archives[r.Name]
	if !ok {
		t.Fatalf("no archive for %s", r.Name)
	}
	p := withPattern(t, b, a, r)
	if !jsonEqual(p["SourceArn"], getAtt(b.ID(b.stack.Bus), "Arn")) {
		t.Errorf("%s archives %v, want the stack's bus", r.Name, p["SourceArn"])
	}
}

// withPattern returns the properties of c, the rule or archive of r,
// checking that its pattern is r's, verbatim.
func withPattern(t *testing.T, b *built, c constructs.IConstruct, r rules.Rule) map[string]any {
	t.Helper()
	p := b.Props(t, b.ID(c))
	if !jsonEqual(p["EventPattern"], parseJSON(t, string(r.EventPattern))) {
		t.Errorf("%s pattern = %s, want %s", r.Name, mustJSON(p["EventPattern"]), r.EventPattern)
	}
	return p
}

// TestRetryPolicyFromRules maps a target's retry policy in the rules file
// onto the EventBridge target: EventBridge's defaults when the file gives
// none, and the file's values, down to the lowest EventBridge allows.
func TestRetryPolicyFromRules(t *testing.T) {
	for _, tc := range []struct {
		name, targets string
		want          map[string]any
	}{
		{"defaults", `{}`, map[string]any{"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}},
		{"lowest", `{"notify": {"retryPolicy": {"maximumRetryAttempts": 0, "maximumEventAgeInSeconds": 60}}}`,
			map[string]any{"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}},
		{"age only", `{"notify": {"retryPolicy": {"maximumEventAgeInSeconds": 3600}}}`,
			map[string]any{"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 3600}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := `{"source": "stepfold.accounts", "targets": ` + tc.targets + `,
				"rules": [{"name": "n", "target": "notify", "eventPattern": {"source": ["stepfold.accounts"]}}]}`
			b, err := build(t, t.TempDir(), withRules("account", file))
			if err != nil {
				t.Fatal(err)
			}
			targets := b.Props(t, b.ID(b.stack.Service("account").Bus.Rules["n"]))["Targets"].([]any)
			if got := targets[0].(map[string]any)["RetryPolicy"]; !jsonEqual(got, tc.want) {
				t.Errorf("RetryPolicy = %s, want %s", mustJSON(got), mustJSON(tc.want))
			}
		})
	}
}

// bankDomain returns the bank's registration.
func bankDomain(t *testing.T) Domain {
	t.Helper()
	for _, d := range Domains() {
		if d.Props.Info.Name == "account" {
			return d
		}
	}
	t.Fatal("the bank is not registered")
	return Domain{}
}

// withRules replaces the rules file of the domain with the name.
func withRules(name string, file string) func(*Config) {
	return func(c *Config) {
		for i := range c.Domains {
			if c.Domains[i].Props.Info.Name == name {
				c.Domains[i].Props.Info.Rules = []byte(file)
			}
		}
	}
}

// TestPatternOperatorsPassVerbatim uses content filters that EventBridge's
// typed pattern could mangle, and expects them unchanged in the template.
func TestPatternOperatorsPassVerbatim(t *testing.T) {
	pattern := `{"source":["stepfold.accounts"],"detail-type":[{"anything-but":["FundsDeposited"]}],"detail":{"reference":[{"prefix":"inv-"}],"eventId":[{"exists":true}]}}`
	file, _ := json.Marshal(map[string]any{"source": "stepfold.accounts", "rules": []any{
		map[string]any{"name": "n", "target": "notify", "eventPattern": json.RawMessage(pattern)},
	}})
	b, err := build(t, t.TempDir(), withRules("account", string(file)))
	if err != nil {
		t.Fatal(err)
	}
	got := b.Props(t, b.ID(b.stack.Service("account").Bus.Rules["n"]))["EventPattern"]
	if !jsonEqual(got, parseJSON(t, pattern)) {
		t.Errorf("pattern = %s, want %s", mustJSON(got), pattern)
	}
}

func TestUnmappedTargetIsAnError(t *testing.T) {
	file := `{"source": "stepfold.inventory", "rules": [{"name": "hook", "target": "billing-webhook", "eventPattern": {"source": ["stepfold.inventory"]}}]}`
	_, err := build(t, t.TempDir(), withRules("inventory", file))
	if err == nil || !strings.Contains(err.Error(), "billing-webhook") || !strings.Contains(err.Error(), "inventory") {
		t.Fatalf("err = %v, want one naming the domain and the unmapped target", err)
	}
}
