package stack

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
)

// taskFunctions pairs each task with its function in the stack.
func taskFunctions(b *built) map[string]awslambda.Function {
	f := b.stack.Functions
	return map[string]awslambda.Function{
		TaskValidate: f.Validate, TaskPersist: f.Persist, TaskPublish: f.Publish,
		TaskFold: f.Fold, TaskRead: f.Read, TaskNotify: f.Notify,
	}
}

func TestEveryFunctionIsArm64AL2023WithTracing(t *testing.T) {
	b := defaultStack(t)
	fns := b.resources("AWS::Lambda::Function")
	if len(fns) != 6 {
		t.Errorf("%d functions, want 6", len(fns))
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
}

func TestFunctionEnvironments(t *testing.T) {
	b := defaultStack(t)
	events, state := ref(b.id(b.stack.Tables.Events)), ref(b.id(b.stack.Tables.State))
	bus := ref(b.id(b.stack.Bus.EventBus))
	// cmd/lambda needs all three names for a service task, both table
	// names for the notifier.
	service := map[string]any{EnvEventsTable: events, EnvStateTable: state, EnvEventBusName: bus}
	want := map[string]map[string]any{
		TaskValidate: service, TaskPersist: service, TaskPublish: service, TaskFold: service, TaskRead: service,
		TaskNotify: {EnvEventsTable: events, EnvStateTable: state},
	}
	for task, fn := range taskFunctions(b) {
		env := map[string]any{EnvTask: task}
		for k, v := range want[task] {
			env[k] = v
		}
		got := b.props(t, b.id(fn))["Environment"].(map[string]any)["Variables"]
		if !jsonEqual(got, env) {
			t.Errorf("%s environment = %v, want %v", task, mustJSON(got), mustJSON(env))
		}
	}
}

// TestFunctionGrantsAreLeastPrivilege classifies every statement of every
// function role by resource and compares with what the task needs.
func TestFunctionGrantsAreLeastPrivilege(t *testing.T) {
	b := defaultStack(t)
	events, state := mustJSON(getAtt(b.id(b.stack.Tables.Events), "Arn")), mustJSON(getAtt(b.id(b.stack.Tables.State), "Arn"))
	bus := mustJSON(getAtt(b.id(b.stack.Bus.EventBus), "Arn"))
	want := map[string][]string{
		TaskValidate: {"events=read"},
		TaskPersist:  {"events=read+write"},
		TaskPublish:  {"bus=events:PutEvents"},
		TaskFold:     {"events=read", "state=read+write"},
		TaskRead:     {"events=read", "state=read"},
		TaskNotify:   {"events=read"},
	}
	names := map[string]string{events: "events", state: "state", bus: "bus"}
	for task, fn := range taskFunctions(b) {
		logs := b.props(t, b.id(fn))["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)["Ref"].(string)
		got := classifyGrants(t, b, b.id(fn.Role()), mustJSON(getAtt(logs, "Arn")), names)
		if !jsonEqual(got, want[task]) {
			t.Errorf("%s grants = %v, want %v", task, got, want[task])
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
// it cannot name: a wildcard other than X-Ray's, another log group, or an
// unknown resource.
func classifyGrants(t *testing.T, b *built, role, logGroup string, names map[string]string) []string {
	t.Helper()
	acc := map[string]map[string]bool{}
	for _, s := range policyStatements(t, b, role) {
		acts := actionsOf(s)
		for _, r := range resourcesOf(s) {
			switch {
			case r == `"*"`:
				requireSubset(t, role+" on *", acts, xrayWrite)
			case r == logGroup:
				requireSubset(t, role+" on its log group", acts, logWrite)
			case names[r] != "":
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

func setOf(ss ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}
