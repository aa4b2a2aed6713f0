package layout_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/stepfold/stepfold/"

// deps lists the packages pkg imports, directly or not, by go list.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", module+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestNoDomainBelowTheDomains checks that no domain package reaches the
// parts that every domain shares.
func TestNoDomainBelowTheDomains(t *testing.T) {
	shared := []string{
		"events", "events/storetest", "events/domaintest",
		"local/boltstore", "aws/dynamostore", "aws/eventbridge",
		"tasks", "tasks/lambdafn", "tasks/rebuild", "httpapi",
		"local/eventbus", "local/sfnapi", "local/executions", "local/console", "local/deadletter", "local/apigateway", "local/httpguard",
		"statemachines", "statemachines/asl", "rules",
	}
	for _, pkg := range shared {
		for _, d := range deps(t, pkg) {
			if strings.HasPrefix(d, module+"domains/") {
				t.Errorf("%s imports %s", pkg, d)
			}
		}
	}
}

// TestImportsPointInward checks the rules of docs/architecture.md: the
// core imports nothing of ours; a domain only the core; a store or bus
// adapter only the core; the interpreter only its own packages.
func TestImportsPointInward(t *testing.T) {
	rules := []struct {
		pkg     string
		allowed []string // our packages it may import, by prefix
	}{
		{"events", nil},
		{"domains/account", []string{"events"}},
		{"domains/inventory", []string{"events"}},
		{"docs/yourdomain/parcels", []string{"events"}},
		{"local/boltstore", []string{"events"}},
		{"aws/dynamostore", []string{"events"}},
		{"aws/eventbridge", []string{"events"}},
		{"local/eventbus", []string{"events"}},
		{"statemachines/asl", []string{"statemachines/asl"}},
	}
	for _, r := range rules {
		for _, d := range deps(t, r.pkg) {
			ours, ok := strings.CutPrefix(d, module)
			if !ok || ours == r.pkg || strings.HasPrefix(ours, r.pkg+"/") && r.pkg == "statemachines/asl" {
				continue
			}
			if !allowed(ours, r.allowed) {
				t.Errorf("%s imports %s", r.pkg, ours)
			}
		}
	}
}

func allowed(pkg string, prefixes []string) bool {
	for _, p := range prefixes {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}
