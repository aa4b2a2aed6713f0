package stack

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/infra/service"
)

// tasksOf are the functions each domain deploys: the five tasks, and the
// bank's notifier.
var tasksOf = map[string][]string{
	"account":   {"fold", "notify", "persist", "publish", "read", "validate"},
	"inventory": {"fold", "persist", "publish", "read", "validate"},
}

func TestEveryFunctionIsArm64AL2023WithTracing(t *testing.T) {
	b := defaultStack(t)
	fns := b.Resources("AWS::Lambda::Function")
	if len(fns) != 11 {
		t.Errorf("%d functions, want 11", len(fns))
	}
	for id, r := range fns {
		p := r["Properties"].(map[string]any)
		if p["Runtime"] != "provided.al2023" || !jsonEqual(p["Architectures"], []any{"arm64"}) || p["Handler"] != "bootstrap" {
			t.Errorf("%s: runtime %v, architectures %v, handler %v; want provided.al2023, arm64, bootstrap",
				id, p["Runtime"], p["Architectures"], p["Handler"])
		}
		if !jsonEqual(p["TracingConfig"], map[string]any{"Mode": "Active"}) {
			t.Errorf("%s: TracingConfig %v, want Active", id, p["TracingConfig"])
		}
	}
	for _, svc := range b.services(t) {
		if got := keys(svc.Functions); !jsonEqual(got, tasksOf[svc.Info.Name]) {
			t.Errorf("%s functions %v, want %v", svc.Info.Name, got, tasksOf[svc.Info.Name])
		}
	}
}

// TestEachDomainRunsItsOwnBootstrap checks that every function of a domain
// deploys the same code asset, and the two domains different ones: the
// test's fake bootstraps differ, as the real ones do.
func TestEachDomainRunsItsOwnBootstrap(t *testing.T) {
	b := defaultStack(t)
	seen := map[string]string{}
	for _, svc := range b.services(t) {
		var code string
		for task, fn := range svc.Functions {
			c := mustJSON(b.Props(t, b.ID(fn))["Code"])
			if code == "" {
				code = c
			}
			if c != code {
				t.Errorf("%s %s deploys %s, the domain's other functions %s", svc.Info.Name, task, c, code)
			}
		}
		if other, ok := seen[code]; ok {
			t.Errorf("%s and %s deploy the same code %s", svc.Info.Name, other, code)
		}
		seen[code] = svc.Info.Name
	}
}

func TestFunctionEnvironments(t *testing.T) {
	b := defaultStack(t)
	bus := ref(b.ID(b.stack.Bus))
	for _, svc := range b.services(t) {
		events, state := ref(b.ID(svc.Tables.Events)), ref(b.ID(svc.Tables.State))
		// The Lambda main needs all three names for a task, both table
		// names for the notifier.
		task := map[string]any{service.EnvEventsTable: events, service.EnvStateTable: state, service.EnvEventBusName: bus}
		for name, fn := range svc.Functions {
			want := task
			if name == "notify" {
				want = map[string]any{service.EnvEventsTable: events, service.EnvStateTable: state}
			}
			env := map[string]any{service.EnvTask: name}
			for k, v := range want {
				env[k] = v
			}
			got := b.Props(t, b.ID(fn))["Environment"].(map[string]any)["Variables"]
			if !jsonEqual(got, env) {
				t.Errorf("%s %s environment = %v, want %v", svc.Info.Name, name, mustJSON(got), mustJSON(env))
			}
		}
	}
}

// TestFunctionGrantsAreLeastPrivilege classifies every statement of every
// function role by resource and compares with what the task needs. A
// grant on the other domain's tables is an unknown resource, and fails.
func TestFunctionGrantsAreLeastPrivilege(t *testing.T) {
	b := defaultStack(t)
	want := map[string][]string{
		"validate": {"events=read"},
		"persist":  {"events=read+write"},
		"publish":  {"bus=events:PutEvents"},
		"fold":     {"events=read", "state=read+write"},
		"read":     {"events=read", "state=read"},
		"notify":   {"events=read"},
	}
	bus := mustJSON(getAtt(b.ID(b.stack.Bus), "Arn"))
	for _, svc := range b.services(t) {
		names := map[string]string{
			mustJSON(getAtt(b.ID(svc.Tables.Events), "Arn")): "events",
			mustJSON(getAtt(b.ID(svc.Tables.State), "Arn")):  "state",
			bus: "bus",
		}
		for task, fn := range svc.Functions {
			logs := b.Props(t, b.ID(fn))["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)["Ref"].(string)
			got := classifyGrants(t, b, b.ID(fn.Role()), mustJSON(getAtt(logs, "Arn")), names, svc.Info.Source)
			if !jsonEqual(got, want[task]) {
				t.Errorf("%s %s grants = %v, want %v", svc.Info.Name, task, got, want[task])
			}
		}
	}
}

var (
	dynamoRead  = setOf("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:Query", "dynamodb:Scan")
	dynamoWrite = setOf("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
	xrayWrite   = setOf("xray:PutTraceSegments", "xray:PutTelemetryRecords")
	logWrite    = setOf("logs:CreateLogStream", "logs:PutLogEvents")
)

// classifyGrants returns "<resource>=<access>" for each resource the role
// may use beyond its own log group and X-Ray, failing the test on anything
// it cannot name: a wildcard other than X-Ray's, another log group, an
// unknown resource, or a statement on the bus that does not hold the
// publisher to the domain's own event source.
func classifyGrants(t *testing.T, b *built, role, logGroup string, names map[string]string, source string) []string {
	t.Helper()
	acc := map[string]map[string]bool{}
	for _, s := range b.PolicyStatements(t, role) {
		acts := actionsOf(s)
		for _, r := range resourcesOf(s) {
			switch {
			case r == `"*"`:
				requireSubset(t, role+" on *", acts, xrayWrite)
			case r == logGroup:
				requireSubset(t, role+" on its log group", acts, logWrite)
			case names[r] != "":
				if names[r] == "bus" && !jsonEqual(s["Condition"], map[string]any{"StringEquals": map[string]any{"events:source": source}}) {
					t.Errorf("%s: %v on the bus with condition %v, want events:source %s", role, acts, s["Condition"], source)
				}
				if acc[names[r]] == nil {
					acc[names[r]] = map[string]bool{}
				}
				for _, a := range acts {
					acc[names[r]][a] = true
				}
			default:
				t.Errorf("%s: %v on unexpected resource %s", role, acts, r)
			}
		}
	}
	var out []string
	for name, acts := range acc {
		out = append(out, name+"="+access(acts))
	}
	sort.Strings(out)
	return out
}

// access names a set of actions: read, read+write, or the actions.
func access(acts map[string]bool) string {
	read, write, other := false, false, []string{}
	for a := range acts {
		switch {
		case dynamoRead[a]:
			read = true
		case dynamoWrite[a]:
			write = true
		default:
			other = append(other, a)
		}
	}
	sort.Strings(other)
	switch {
	case len(other) > 0 && (read || write):
		return fmt.Sprintf("mixed:%v", acts)
	case len(other) > 0:
		return strings.Join(other, ",")
	case write && read:
		return "read+write"
	case write:
		return "write"
	}
	return "read"
}

func requireSubset(t *testing.T, what string, acts []string, allowed map[string]bool) {
	t.Helper()
	for _, a := range acts {
		if !allowed[a] {
			t.Errorf("%s allows %s", what, a)
		}
	}
}
