package stack

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/infra/service"
)

// routesOf are the methods each domain serves. The bank keeps its routes
// exactly; the inventory has the generic command route.
var routesOf = map[string][]string{
	"account": {
		"GET /accounts/{id}", "GET /accounts/{id}/events", "POST /accounts", "POST /accounts/{id}/close",
		"POST /accounts/{id}/deposits", "POST /accounts/{id}/reversals", "POST /accounts/{id}/withdrawals",
	},
	"inventory": {"GET /warehouses/{id}", "GET /warehouses/{id}/events", "POST /warehouses/{id}/commands"},
}

func TestRoutes(t *testing.T) {
	b := defaultStack(t)
	var got, want []string
	for _, m := range b.Resources("AWS::ApiGateway::Method") {
		p := m["Properties"].(map[string]any)
		got = append(got, p["HttpMethod"].(string)+" "+resourcePath(t, b, p["ResourceId"]))
	}
	for _, svc := range b.services(t) {
		want = append(want, routesOf[svc.Info.Name]...)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !jsonEqual(got, want) {
		t.Errorf("methods %v, want %v", got, want)
	}
}

// resourcePath returns the URL path of the API resource that id refers to.
func resourcePath(t *testing.T, b *built, id any) string {
	t.Helper()
	r, _ := id.(map[string]any)["Ref"].(string)
	if r == "" {
		return "" // the root
	}
	p := b.Props(t, r)
	return resourcePath(t, b, p["ParentId"]) + "/" + p["PathPart"].(string)
}

func TestEveryMethodNeedsIAM(t *testing.T) {
	b := defaultStack(t)
	methods := b.Resources("AWS::ApiGateway::Method")
	if len(methods) != 10 {
		t.Errorf("%d methods, want 10", len(methods))
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
	return b.ID(m.(constructs.IConstruct))
}

func commandPath(svc *service.Service, r string) string {
	if r == "" {
		return "/" + httpapi.Collection(svc.Info)
	}
	return "/" + httpapi.Collection(svc.Info) + "/{id}/" + r
}

func TestCommandRoutesStartSyncExecution(t *testing.T) {
	b := defaultStack(t)
	uri := map[string]any{"Fn::Join": []any{"", []any{
		"arn:", ref("AWS::Partition"), ":apigateway:", ref("AWS::Region"), ":states:action/StartSyncExecution",
	}}}
	for _, svc := range b.services(t) {
		role := b.ID(svc.API.StartExecutionRole)
		for _, r := range httpapi.CommandRoutes(svc.Info) {
			what := svc.Info.Name + " POST " + commandPath(svc, r.Path)
			props := b.Props(t, method(t, b, commandPath(svc, r.Path), "POST"))
			in := props["Integration"].(map[string]any)
			if in["Type"] != "AWS" || in["IntegrationHttpMethod"] != "POST" || in["PassthroughBehavior"] != "NEVER" {
				t.Errorf("%s: integration %v %v %v, want AWS POST NEVER", what, in["Type"], in["IntegrationHttpMethod"], in["PassthroughBehavior"])
			}
			if !jsonEqual(in["Uri"], uri) {
				t.Errorf("%s: Uri = %s, want arn:aws:apigateway:<region>:states:action/StartSyncExecution", what, mustJSON(in["Uri"]))
			}
			if !jsonEqual(in["Credentials"], getAtt(role, "Arn")) {
				t.Errorf("%s: Credentials = %v, want the domain's start-execution role", what, in["Credentials"])
			}
			if hasModel := strings.Contains(mustJSON(props["RequestModels"]), b.ID(svc.API.CommandBody)); hasModel == r.EmptyBody {
				t.Errorf("%s: body model %v, want the domain's unless the body may be empty", what, props["RequestModels"])
			}
			if tmpl := mustJSON(in["RequestTemplates"]); !strings.Contains(tmpl, mustJSON(ref(b.ID(svc.StateMachine)))) {
				t.Errorf("%s: request template does not start the domain's state machine: %s", what, tmpl)
			}
		}
		stmts := b.PolicyStatements(t, role)
		if len(stmts) != 1 || !jsonEqual(actionsOf(stmts[0]), []string{"states:StartSyncExecution"}) ||
			!jsonEqual(resourcesOf(stmts[0]), []string{mustJSON(ref(b.ID(svc.StateMachine)))}) {
			t.Errorf("%s start-execution role = %v, want only states:StartSyncExecution on its state machine", svc.Info.Name, stmts)
		}
	}
}

func TestReadRoutesProxyToReadFunction(t *testing.T) {
	b := defaultStack(t)
	for _, svc := range b.services(t) {
		fn := b.ID(svc.Functions["read"])
		base := "/" + httpapi.Collection(svc.Info) + "/{id}"
		for _, path := range []string{base, base + "/events"} {
			in := b.Props(t, method(t, b, path, "GET"))["Integration"].(map[string]any)
			if in["Type"] != "AWS_PROXY" || !strings.Contains(mustJSON(in["Uri"]), mustJSON(getAtt(fn, "Arn"))) {
				t.Errorf("GET %s: %v %s, want AWS_PROXY to the %s read function", path, in["Type"], mustJSON(in["Uri"]), svc.Info.Name)
			}
		}
	}
}

func TestStage(t *testing.T) {
	b := defaultStack(t)
	stages := b.Resources("AWS::ApiGateway::Stage")
	if len(stages) != 1 {
		t.Fatalf("%d stages, want 1", len(stages))
	}
	if n := len(b.Resources("AWS::ApiGateway::RestApi")); n != 1 {
		t.Errorf("%d REST APIs, want the one the domains share", n)
	}
	for id, s := range stages {
		p := s["Properties"].(map[string]any)
		if p["StageName"] != service.StageName || p["TracingEnabled"] != true {
			t.Errorf("%s: name %v, tracing %v", id, p["StageName"], p["TracingEnabled"])
		}
		access := p["AccessLogSetting"].(map[string]any)
		if !strings.Contains(mustJSON(access["DestinationArn"]), "ApiAccessLogs") {
			t.Errorf("%s: access logs go to %v", id, access["DestinationArn"])
		}
		ms := p["MethodSettings"].([]any)[0].(map[string]any)
		if ms["ThrottlingRateLimit"] != float64(50) || ms["ThrottlingBurstLimit"] != float64(100) || ms["HttpMethod"] != "*" {
			t.Errorf("%s: method settings %v, want stage-wide throttling at 50/s, burst 100", id, ms)
		}
	}
}

// TestBankAPIIsTheSingleDomainAPI compares the bank's methods, resources,
// body model and gateway responses with testdata/single-domain-api.json,
// which holds them as the stack synthesized them when the bank was its
// only domain. The resources the construct now names differently (the
// validator, the model, the start-execution role, the state machine, the
// read function) are compared by role; everything else, logical ids of the
// methods and resources included (the API's URL and paths), must be equal.
func TestBankAPIIsTheSingleDomainAPI(t *testing.T) {
	b := defaultStack(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "single-domain-api.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := parseJSON(t, string(raw)).(map[string]any)
	bank := b.stack.Service("account")
	roles := map[string]string{
		b.ID(bank.Construct.Node().FindChild(str("Validator"))): "<validator>",
		b.ID(bank.API.CommandBody):                              "<command-body>",
		b.ID(bank.API.StartExecutionRole):                       "<start-execution-role>",
		b.ID(bank.StateMachine):                                 "<state-machine>",
		b.ID(bank.Functions["read"]):                            "<read-function>",
	}
	byRole := func(v any) any {
		s := mustJSON(v)
		for id, role := range roles {
			s = strings.ReplaceAll(s, `"`+id+`"`, `"`+role+`"`)
		}
		return parseJSON(t, s)
	}
	for kind, typ := range map[string]string{
		"methods": "AWS::ApiGateway::Method", "resources": "AWS::ApiGateway::Resource", "gatewayResponses": "AWS::ApiGateway::GatewayResponse",
	} {
		for id, w := range want[kind].(map[string]any) {
			r, ok := b.Resources(typ)[id]
			if !ok {
				t.Errorf("%s %s is gone", typ, id)
				continue
			}
			if got := byRole(r["Properties"]); !jsonEqual(got, w) {
				t.Errorf("%s %s changed:\n got %s\nwant %s", typ, id, mustJSON(got), mustJSON(w))
			}
		}
	}
	if got := byRole(b.Props(t, b.ID(bank.API.CommandBody))); !jsonEqual(got, want["model"]) {
		t.Errorf("the body model changed:\n got %s\nwant %s", mustJSON(got), mustJSON(want["model"]))
	}
}
