package stack

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/statemachines"
)

func TestStateMachineIsExpressWithLoggingAndTracing(t *testing.T) {
	b := defaultStack(t)
	p := b.props(t, b.id(b.stack.Pipeline.StateMachine))
	if p["StateMachineType"] != "EXPRESS" {
		t.Errorf("StateMachineType = %v, want EXPRESS", p["StateMachineType"])
	}
	if !jsonEqual(p["TracingConfiguration"], map[string]any{"Enabled": true}) {
		t.Errorf("TracingConfiguration = %v, want enabled", p["TracingConfiguration"])
	}
	logging := p["LoggingConfiguration"].(map[string]any)
	if logging["Level"] != "ALL" || logging["IncludeExecutionData"] != true {
		t.Errorf("LoggingConfiguration = %v, want level ALL with execution data", logging)
	}
	dest := asList(logging["Destinations"])
	if len(dest) != 1 || !strings.Contains(mustJSON(dest[0]), "StateMachineLogs") {
		t.Errorf("log destinations = %v, want the StateMachineLogs group", dest)
	}
}

// TestDefinitionIsTheFile checks that the template carries the file itself,
// and that substituting the template's DefinitionSubstitutions into it puts
// each task's own function and the DLQ where the file's placeholders are.
func TestDefinitionIsTheFile(t *testing.T) {
	b := defaultStack(t)
	p := b.props(t, b.id(b.stack.Pipeline.StateMachine))
	file, err := statemachines.Files.ReadFile(statemachines.Account)
	if err != nil {
		t.Fatal(err)
	}
	defString, ok := p["DefinitionString"].(string)
	if !ok {
		t.Fatalf("DefinitionString is %T, want the definition inline as a string", p["DefinitionString"])
	}
	if !jsonEqual(parseJSON(t, defString), parseJSON(t, string(file))) {
		t.Fatalf("DefinitionString differs from %s", statemachines.Account)
	}
	fns := b.stack.Functions
	want := map[string]any{
		SubValidateFunctionArn: getAtt(b.id(fns.Validate), "Arn"),
		SubPersistFunctionArn:  getAtt(b.id(fns.Persist), "Arn"),
		SubPublishFunctionArn:  getAtt(b.id(fns.Publish), "Arn"),
		SubFoldFunctionArn:     getAtt(b.id(fns.Fold), "Arn"),
		SubDeadLetterQueueURL:  ref(b.id(b.stack.Pipeline.DeadLetterQueue)),
	}
	subs := p["DefinitionSubstitutions"].(map[string]any)
	if got, placeholders := keys(subs), placeholdersIn(string(file)); !jsonEqual(got, placeholders) {
		t.Fatalf("substitutions %v, file placeholders %v", got, placeholders)
	}
	for k, v := range want {
		if !jsonEqual(subs[k], v) {
			t.Errorf("substitution %s = %v, want %v", k, subs[k], v)
		}
	}
	assertSubstitutedPlaces(t, defString, subs)
}

// assertSubstitutedPlaces substitutes the references into the definition
// and checks the states that use them.
func assertSubstitutedPlaces(t *testing.T, def string, subs map[string]any) {
	t.Helper()
	for k, v := range subs {
		quoted := mustJSON("SUB:" + mustJSON(v))
		def = strings.ReplaceAll(def, "${"+k+"}", quoted[1:len(quoted)-1])
	}
	states := statesByName(parseJSON(t, def).(map[string]any))
	param := func(state, name string) any {
		st, ok := states[state]
		if !ok {
			t.Fatalf("the definition has no state %s", state)
		}
		return st["Parameters"].(map[string]any)[name]
	}
	for state, sub := range map[string]string{
		"Validate": SubValidateFunctionArn, "Persist": SubPersistFunctionArn,
		"Publish": SubPublishFunctionArn, "Fold": SubFoldFunctionArn,
	} {
		if got, want := param(state, "FunctionName"), "SUB:"+mustJSON(subs[sub]); got != want {
			t.Errorf("%s FunctionName = %v, want %v", state, got, want)
		}
	}
	if got, want := param("SendToDeadLetterQueue", "QueueUrl"), "SUB:"+mustJSON(subs[SubDeadLetterQueueURL]); got != want {
		t.Errorf("SendToDeadLetterQueue QueueUrl = %v, want %v", got, want)
	}
}

// statesByName returns every state of a definition, those in the branches
// of Parallel states included: state names are unique across a machine.
func statesByName(graph map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, raw := range graph["States"].(map[string]any) {
		st := raw.(map[string]any)
		out[name] = st
		branches, _ := st["Branches"].([]any)
		for _, b := range branches {
			for n, inner := range statesByName(b.(map[string]any)) {
				out[n] = inner
			}
		}
	}
	return out
}

func TestStateMachineRoleIsLeastPrivilege(t *testing.T) {
	b := defaultStack(t)
	fns := b.stack.Functions
	stmts := policyStatements(t, b, b.id(b.stack.Pipeline.StateMachine.Role()))
	wantInvoke := []string{
		mustJSON(getAtt(b.id(fns.Fold), "Arn")), mustJSON(getAtt(b.id(fns.Persist), "Arn")),
		mustJSON(getAtt(b.id(fns.Publish), "Arn")), mustJSON(getAtt(b.id(fns.Validate), "Arn")),
	}
	wildcardOK := regexp.MustCompile(`^(logs:(Create|Delete|Get|Update|List)LogDeliver(y|ies)|logs:(DescribeLogGroups|DescribeResourcePolicies|PutResourcePolicy)|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets))$`)
	var sawInvoke, sawSend bool
	for _, s := range stmts {
		res := resourcesOf(s)
		switch acts := actionsOf(s); {
		case jsonEqual(res, []string{`"*"`}):
			for _, a := range acts {
				if !wildcardOK.MatchString(a) {
					t.Errorf("state machine role allows %s on *", a)
				}
			}
		case jsonEqual(acts, []string{"lambda:InvokeFunction"}):
			sawInvoke = jsonEqual(res, wantInvoke)
		case jsonEqual(acts, []string{"sqs:SendMessage"}):
			sawSend = jsonEqual(res, []string{mustJSON(getAtt(b.id(b.stack.Pipeline.DeadLetterQueue), "Arn"))})
		default:
			t.Errorf("unexpected statement %v on %v", acts, res)
		}
	}
	if !sawInvoke || !sawSend {
		t.Errorf("want lambda:InvokeFunction on exactly the 4 task functions (%v) and sqs:SendMessage on the DLQ; statements: %v", sawInvoke, stmts)
	}
}

func TestDeadLetterQueueAndAlarm(t *testing.T) {
	b := defaultStack(t)
	for _, q := range []string{b.id(b.stack.Pipeline.DeadLetterQueue), b.id(b.stack.Bus.NotifyDeadLetterQueue)} {
		p := b.props(t, q)
		if p["SqsManagedSseEnabled"] != true || p["MessageRetentionPeriod"] != float64(14*24*3600) {
			t.Errorf("%s: SSE %v, retention %v; want SQS-managed SSE and 14 days", q, p["SqsManagedSseEnabled"], p["MessageRetentionPeriod"])
		}
		if !hasSSLDeny(b, q) {
			t.Errorf("%s: no queue policy denies requests without TLS", q)
		}
		if !hasNotEmptyAlarm(b, q) {
			t.Errorf("%s: no alarm on ApproximateNumberOfMessagesVisible > 0", q)
		}
	}
}

func hasSSLDeny(b *built, queue string) bool {
	for _, r := range b.resources("AWS::SQS::QueuePolicy") {
		p := r["Properties"].(map[string]any)
		if !jsonEqual(p["Queues"], []any{ref(queue)}) {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			if st["Effect"] == "Deny" && strings.Contains(mustJSON(st["Condition"]), `"aws:SecureTransport":"false"`) {
				return true
			}
		}
	}
	return false
}

func hasNotEmptyAlarm(b *built, queue string) bool {
	for _, r := range b.resources("AWS::CloudWatch::Alarm") {
		p := r["Properties"].(map[string]any)
		if p["MetricName"] == "ApproximateNumberOfMessagesVisible" && p["Threshold"] == float64(0) &&
			p["ComparisonOperator"] == "GreaterThanThreshold" &&
			strings.Contains(mustJSON(p["Dimensions"]), mustJSON(getAtt(queue, "QueueName"))) {
			return true
		}
	}
	return false
}

// policyStatements returns the statements of every AWS::IAM::Policy
// attached to the role with the logical id.
func policyStatements(t *testing.T, b *built, role string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range b.resources("AWS::IAM::Policy") {
		p := r["Properties"].(map[string]any)
		if !jsonEqual(p["Roles"], []any{ref(role)}) {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	if len(out) == 0 {
		t.Fatalf("role %s has no policy statements", role)
	}
	return out
}

// actionsOf and resourcesOf return a statement's actions, and its resources
// as sorted JSON, so either can be compared as a set.
func actionsOf(s map[string]any) []string {
	var out []string
	for _, a := range asList(s["Action"]) {
		out = append(out, a.(string))
	}
	sort.Strings(out)
	return out
}

func resourcesOf(s map[string]any) []string {
	var out []string
	for _, r := range asList(s["Resource"]) {
		out = append(out, mustJSON(r))
	}
	sort.Strings(out)
	return out
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z]+)\}`)

func placeholdersIn(def string) []string {
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(def, -1) {
		seen[m[1]] = true
	}
	return keys(seen)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func parseJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("parse JSON: %v", err)
	}
	return v
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
