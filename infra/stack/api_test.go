package stack

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
)

func TestEveryMethodNeedsIAM(t *testing.T) {
	b := defaultStack(t)
	methods := b.resources("AWS::ApiGateway::Method")
	if len(methods) != len(WriteRoutes)+2 {
		t.Errorf("%d methods, want %d", len(methods), len(WriteRoutes)+2)
	}
	for id, m := range methods {
		if auth := m["Properties"].(map[string]any)["AuthorizationType"]; auth != "AWS_IAM" {
			t.Errorf("%s: AuthorizationType %v, want AWS_IAM", id, auth)
		}
	}
}

// method returns the logical id of the method at path.
func method(t *testing.T, b *built, path, verb string) string {
	t.Helper()
	res := b.stack.API.Root().ResourceForPath(str(path))
	m := res.Node().TryFindChild(str(verb))
	if m == nil {
		t.Fatalf("no %s %s", verb, path)
	}
	return b.id(m.(constructs.IConstruct))
}

func routePath(r WriteRoute) string {
	if r.Path == "" {
		return "/accounts"
	}
	return "/accounts/{id}/" + r.Path
}

func TestWriteRoutesStartSyncExecution(t *testing.T) {
	b := defaultStack(t)
	uri := map[string]any{"Fn::Join": []any{"", []any{
		"arn:", ref("AWS::Partition"), ":apigateway:", ref("AWS::Region"), ":states:action/StartSyncExecution",
	}}}
	role := getAtt(b.id(b.stack.API.Node().Scope().Node().FindChild(str("ApiStartExecutionRole"))), "Arn")
	for _, r := range WriteRoutes {
		in := b.props(t, method(t, b, routePath(r), "POST"))["Integration"].(map[string]any)
		if in["Type"] != "AWS" || in["IntegrationHttpMethod"] != "POST" || in["PassthroughBehavior"] != "NEVER" {
			t.Errorf("%s: integration %v %v %v, want AWS POST NEVER", r.Command, in["Type"], in["IntegrationHttpMethod"], in["PassthroughBehavior"])
		}
		if !jsonEqual(in["Uri"], uri) {
			t.Errorf("%s: Uri = %s, want arn:aws:apigateway:<region>:states:action/StartSyncExecution", r.Command, mustJSON(in["Uri"]))
		}
		if !jsonEqual(in["Credentials"], role) {
			t.Errorf("%s: Credentials = %v, want the start-execution role", r.Command, in["Credentials"])
		}
		models := b.props(t, method(t, b, routePath(r), "POST"))["RequestModels"]
		if hasModel := strings.Contains(mustJSON(models), b.id(b.stack.API.Node().FindChild(str("CommandBody")))); hasModel == r.EmptyBody {
			t.Errorf("%s: body model %v, want one unless the body may be empty", r.Command, models)
		}
		tmpl := mustJSON(in["RequestTemplates"])
		if !strings.Contains(tmpl, `${q}`+r.Command+`${q}`) || !strings.Contains(tmpl, mustJSON(ref(b.id(b.stack.Pipeline.StateMachine)))) {
			t.Errorf("%s: request template lacks the command type or the state machine ARN: %s", r.Command, tmpl)
		}
	}
	stmts := policyStatements(t, b, b.id(b.stack.API.Node().Scope().Node().FindChild(str("ApiStartExecutionRole"))))
	if len(stmts) != 1 || !jsonEqual(actionsOf(stmts[0]), []string{"states:StartSyncExecution"}) ||
		!jsonEqual(resourcesOf(stmts[0]), []string{mustJSON(ref(b.id(b.stack.Pipeline.StateMachine)))}) {
		t.Errorf("start-execution role = %v, want only states:StartSyncExecution on the state machine", stmts)
	}
}

func TestReadRoutesProxyToReadFunction(t *testing.T) {
	b := defaultStack(t)
	fn := b.id(b.stack.Functions.Read)
	for _, path := range []string{"/accounts/{id}", "/accounts/{id}/events"} {
		in := b.props(t, method(t, b, path, "GET"))["Integration"].(map[string]any)
		if in["Type"] != "AWS_PROXY" || !strings.Contains(mustJSON(in["Uri"]), mustJSON(getAtt(fn, "Arn"))) {
			t.Errorf("GET %s: %v %s, want AWS_PROXY to the read function", path, in["Type"], mustJSON(in["Uri"]))
		}
	}
}

func TestStage(t *testing.T) {
	b := defaultStack(t)
	stages := b.resources("AWS::ApiGateway::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want 1", len(stages))
	}
	for id, s := range stages {
		p := s["Properties"].(map[string]any)
		if p["StageName"] != StageName || p["TracingEnabled"] != true {
			t.Errorf("%s: name %v, tracing %v", id, p["StageName"], p["TracingEnabled"])
		}
		access := p["AccessLogSetting"].(map[string]any)
		if !strings.Contains(mustJSON(access["DestinationArn"]), "ApiAccessLogs") {
			t.Errorf("%s: access logs go to %v", id, access["DestinationArn"])
		}
		ms := p["MethodSettings"].([]any)[0].(map[string]any)
		if ms["ThrottlingRateLimit"] == nil || ms["ThrottlingBurstLimit"] == nil || ms["HttpMethod"] != "*" {
			t.Errorf("%s: method settings %v, want stage-wide throttling", id, ms)
		}
	}
}

// TestErrorStatusesMatchArchitecture reads the error table from
// docs/architecture.md and compares it with the response mapping's table.
func TestErrorStatusesMatchArchitecture(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| ([A-Za-z.*, ]+) \| (\d{3}) \|`)
	want := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		status, _ := strconv.Atoi(m[2])
		for _, code := range strings.Split(m[1], ",") {
			want[strings.TrimSpace(code)] = status
		}
	}
	if len(want) < 10 {
		t.Fatalf("found %d codes in the architecture table; has its format changed?", len(want))
	}
	got := map[string]int{}
	for _, s := range errorStatuses {
		for _, c := range s.Codes {
			got[c] = s.Status
		}
	}
	for code, status := range want {
		if status == 500 {
			if _, ok := got[code]; ok {
				t.Errorf("%s is listed; 500 codes belong to the default branch", code)
			}
			continue
		}
		if got[code] != status {
			t.Errorf("%s maps to %d, the architecture says %d", code, got[code], status)
		}
	}
	for code := range got {
		if _, ok := want[code]; !ok {
			t.Errorf("%s is not in the architecture table", code)
		}
	}
}

func TestResponseTemplateMapsEveryCode(t *testing.T) {
	for _, r := range WriteRoutes {
		tmpl := responseTemplate(r)
		if !strings.Contains(tmpl, "#set($context.responseOverride.status = "+strconv.Itoa(r.Status)+")") {
			t.Errorf("%s: success status %d not set", r.Command, r.Status)
		}
		for _, s := range errorStatuses {
			for _, c := range s.Codes {
				if !regexp.MustCompile(`\$error == "` + c + `"[^\n]*#set\(\$status = ` + strconv.Itoa(s.Status) + `\)`).MatchString(tmpl) {
					t.Errorf("%s: %s does not set status %d", r.Command, c, s.Status)
				}
			}
		}
	}
}

// TestRequestTemplateShape checks the parts of the request template that
// decide what the command is; the final line must be the StartSyncExecution
// body once the VTL expression in it is evaluated.
func TestRequestTemplateShape(t *testing.T) {
	for _, r := range WriteRoutes {
		tmpl := requestTemplate(r, "arn:sm")
		lines := strings.Split(strings.TrimSpace(tmpl), "\n")
		last := strings.Replace(lines[len(lines)-1], jsonEscape("$cmd"), "CMD", 1)
		body, ok := parseJSON(t, last).(map[string]any)
		if !ok || !jsonEqual(body, map[string]any{"stateMachineArn": "arn:sm", "input": "CMD"}) {
			t.Errorf("%s: last line %q is not the StartSyncExecution body", r.Command, lines[len(lines)-1])
		}
		for _, want := range []string{
			"header.get('" + IdempotencyHeader + "')", "#set($key = $context.requestId)",
			`${q}type${q}:${q}` + r.Command + `${q}`, `#set($cmd = "$cmd}")`,
		} {
			if !strings.Contains(tmpl, want) {
				t.Errorf("%s: template lacks %s", r.Command, want)
			}
		}
		idFromPath := strings.Contains(tmpl, "path.get('id')")
		idFromBody := strings.Contains(tmpl, "$.accountId")
		if idFromPath == (r.Path == "") || idFromBody != (r.Path == "") {
			t.Errorf("%s: accountId from path %v, from body %v", r.Command, idFromPath, idFromBody)
		}
	}
}
