package stack

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/statemachines"
)

func TestStateMachineIsExpressWithLoggingAndTracing(t *testing.T) {
	b := defaultStack(t)
	for _, svc := range b.services(t) {
		p := b.Props(t, b.ID(svc.StateMachine))
		if p["StateMachineType"] != "EXPRESS" {
			t.Errorf("%s: StateMachineType = %v, want EXPRESS", svc.Info.Name, p["StateMachineType"])
		}
		if !jsonEqual(p["TracingConfiguration"], map[string]any{"Enabled": true}) {
			t.Errorf("%s: TracingConfiguration = %v, want enabled", svc.Info.Name, p["TracingConfiguration"])
		}
		logging := p["LoggingConfiguration"].(map[string]any)
		if logging["Level"] != "ALL" || logging["IncludeExecutionData"] != true {
			t.Errorf("%s: LoggingConfiguration = %v, want level ALL with execution data", svc.Info.Name, logging)
		}
		dest := asList(logging["Destinations"])
		group := *svc.Construct.Node().Id() + "StateMachineLogs"
		if len(dest) != 1 || !strings.Contains(mustJSON(dest[0]), group) {
			t.Errorf("%s: log destinations = %v, want the %s group", svc.Info.Name, dest, group)
		}
	}
}

// TestDefinitionIsTheFile checks that each state machine carries the one
// generic definition itself, and that substituting the template's
// DefinitionSubstitutions into it puts each step's own function of the
// domain, and the domain's DLQ, where the file's placeholders are.
func TestDefinitionIsTheFile(t *testing.T) {
	b := defaultStack(t)
	file, err := statemachines.Files.ReadFile(statemachines.Pipeline)
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range b.services(t) {
		p := b.Props(t, b.ID(svc.StateMachine))
		defString, ok := p["DefinitionString"].(string)
		if !ok {
			t.Fatalf("%s: DefinitionString is %T, want the definition inline as a string", svc.Info.Name, p["DefinitionString"])
		}
		if !jsonEqual(parseJSON(t, defString), parseJSON(t, string(file))) {
			t.Fatalf("%s: DefinitionString differs from %s", svc.Info.Name, statemachines.Pipeline)
		}
		subs := p["DefinitionSubstitutions"].(map[string]any)
		if got, placeholders := keys(subs), placeholdersIn(string(file)); !jsonEqual(got, placeholders) {
			t.Fatalf("%s: substitutions %v, file placeholders %v", svc.Info.Name, got, placeholders)
		}
		states := substituted(t, defString, subs)
		for state, task := range map[string]string{"Validate": "validate", "Persist": "persist", "Publish": "publish", "Fold": "fold"} {
			want := "SUB:" + mustJSON(getAtt(b.ID(svc.Functions[task]), "Arn"))
			if got := param(t, states, state, "FunctionName"); got != want {
				t.Errorf("%s: %s FunctionName = %v, want %v", svc.Info.Name, state, got, want)
			}
		}
		if got, want := param(t, states, "SendToDeadLetterQueue", "QueueUrl"), "SUB:"+mustJSON(ref(b.ID(svc.DeadLetterQueue))); got != want {
			t.Errorf("%s: SendToDeadLetterQueue QueueUrl = %v, want %v", svc.Info.Name, got, want)
		}
	}
}

// substituted substitutes the references into the definition, each as
// "SUB:<its JSON>", and returns its states.
func substituted(t *testing.T, def string, subs map[string]any) map[string]map[string]any {
	t.Helper()
	for k, v := range subs {
		quoted := mustJSON("SUB:" + mustJSON(v))
		def = strings.ReplaceAll(def, "${"+k+"}", quoted[1:len(quoted)-1])
	}
	return statesByName(parseJSON(t, def).(map[string]any))
}

func param(t *testing.T, states map[string]map[string]any, state, name string) any {
	t.Helper()
	st, ok := states[state]
	if !ok {
		t.Fatalf("the definition has no state %s", state)
	}
	return st["Parameters"].(map[string]any)[name]
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
	wildcardOK := regexp.MustCompile(`^(logs:(Create|Delete|Get|Update|List)LogDeliver(y|ies)|logs:(DescribeLogGroups|DescribeResourcePolicies|PutResourcePolicy)|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets))$`)
	for _, svc := range b.services(t) {
		fns := svc.Functions
		wantInvoke := []string{
			mustJSON(getAtt(b.ID(fns["fold"]), "Arn")), mustJSON(getAtt(b.ID(fns["persist"]), "Arn")),
			mustJSON(getAtt(b.ID(fns["publish"]), "Arn")), mustJSON(getAtt(b.ID(fns["validate"]), "Arn")),
		}
		sort.Strings(wantInvoke)
		var sawInvoke, sawSend bool
		for _, s := range b.PolicyStatements(t, b.ID(svc.StateMachine.Role())) {
			res := resourcesOf(s)
			switch acts := actionsOf(s); {
			case jsonEqual(res, []string{`"*"`}):
				for _, a := range acts {
					if !wildcardOK.MatchString(a) {
						t.Errorf("%s state machine role allows %s on *", svc.Info.Name, a)
					}
				}
			case jsonEqual(acts, []string{"lambda:InvokeFunction"}):
				sawInvoke = jsonEqual(res, wantInvoke)
			case jsonEqual(acts, []string{"sqs:SendMessage"}):
				sawSend = jsonEqual(res, []string{mustJSON(getAtt(b.ID(svc.DeadLetterQueue), "Arn"))})
			default:
				t.Errorf("%s: unexpected statement %v on %v", svc.Info.Name, acts, res)
			}
		}
		if !sawInvoke || !sawSend {
			t.Errorf("%s: want lambda:InvokeFunction on exactly its 4 step functions (%v) and sqs:SendMessage on its DLQ (%v)", svc.Info.Name, sawInvoke, sawSend)
		}
	}
}

func TestDeadLetterQueueAndAlarm(t *testing.T) {
	b := defaultStack(t)
	var queues []string
	for _, svc := range b.services(t) {
		queues = append(queues, b.ID(svc.DeadLetterQueue))
		for _, q := range svc.Bus.DeadLetterQueues {
			queues = append(queues, b.ID(q))
		}
	}
	if n := len(b.Resources("AWS::SQS::Queue")); n != 3 || len(queues) != 3 {
		t.Errorf("%d queues, %d of them dead-letter queues; want 3: each pipeline's and the notifier's", n, len(queues))
	}
	for _, q := range queues {
		p := b.Props(t, q)
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
	for _, r := range b.Resources("AWS::SQS::QueuePolicy") {
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
	for _, r := range b.Resources("AWS::CloudWatch::Alarm") {
		p := r["Properties"].(map[string]any)
		if p["MetricName"] == "ApproximateNumberOfMessagesVisible" && p["Threshold"] == float64(0) &&
			p["ComparisonOperator"] == "GreaterThanThreshold" &&
			strings.Contains(mustJSON(p["Dimensions"]), mustJSON(getAtt(queue, "QueueName"))) {
			return true
		}
	}
	return false
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z]+)\}`)

func placeholdersIn(def string) []string {
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(def, -1) {
		seen[m[1]] = true
	}
	return keys(seen)
}
