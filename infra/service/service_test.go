package service_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/infra/internal/cfntest"
	"github.com/stepfold/stepfold/infra/service"
	"github.com/stepfold/stepfold/tasks"
)

func str(s string) *string { return &s }

// inventoryProps are props that deploy, for a test to break: the
// inventory, whose expired reservations go to an archive of their own.
func inventoryProps(t *testing.T) service.Props {
	t.Helper()
	return service.Props{
		Info:      inventory.Domain{}.Info(),
		Bootstrap: cfntest.FakeBootstrap(t, t.TempDir()),
	}
}

// TestNewRefusesWhatCannotDeploy gives New props that cannot deploy, one
// fault each, and expects an error that names the fault, and nothing added
// to the stack.
func TestNewRefusesWhatCannotDeploy(t *testing.T) {
	rules := func(r string) func(*service.Props) {
		return func(p *service.Props) { p.Info.Rules = []byte(r) }
	}
	routes := func(edit func(*events.Routes)) func(*service.Props) {
		return func(p *service.Props) { edit(&p.Info.Routes) }
	}
	for _, tc := range []struct {
		name, want string
		edit       func(*service.Props)
	}{
		{"no bootstrap directory", "names no directory", func(p *service.Props) { p.Bootstrap = "" }},
		{"no bootstrap in it", "make lambdas", func(p *service.Props) { p.Bootstrap = t.TempDir() }},
		{"a name that is no domain name", `"Inventory"`, func(p *service.Props) { p.Info.Name = "Inventory" }},
		{"no event source", "no event source", func(p *service.Props) { p.Info.Source = "" }},
		{"a placeholder the task table does not fill", "[DeadLetterQueueUrl FoldFunctionArn Mystery", func(p *service.Props) {
			p.Definition = `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "${Mystery} ${ValidateFunctionArn} ${PersistFunctionArn} ${PublishFunctionArn} ${FoldFunctionArn} ${DeadLetterQueueUrl}", "End": true}}}`
		}},
		{"a substitution the definition lacks", "placeholders [] are not", func(p *service.Props) { p.Definition = `{"StartAt": "A"}` }},
		{"rules of another source", `"stepfold.accounts"`, rules(`{"source": "stepfold.accounts", "rules": []}`)},
		{"a rules file that does not parse", "rules:", rules(`{"source": `)},
		{"a pattern that is no object", `"r": event pattern`, rules(`{"source": "stepfold.inventory", "rules": [{"name": "r", "target": "archive", "eventPattern": [1]}]}`)},
		{"a target with no mapping", `"billing-webhook" has no AWS mapping`, rules(`{"source": "stepfold.inventory", "rules": [{"name": "r", "target": "billing-webhook", "eventPattern": {"source": ["stepfold.inventory"]}}]}`)},
		{"a retry policy for an archive", `"archive" is an archive, which takes no retry policy`, rules(`{"source": "stepfold.inventory",
			"rules": [{"name": "r", "target": "archive", "eventPattern": {"source": ["stepfold.inventory"]}}],
			"targets": {"archive": {"retryPolicy": {"maximumRetryAttempts": 3}}}}`)},
		{"a subscriber no rule targets", `subscriber "audit" is the target of no rule`, func(p *service.Props) {
			p.Subscribers = []service.Subscriber{{Task: "audit", Access: tasks.Access{ReadEvents: true}}}
		}},
		{"a subscriber named as a step", `"fold" is listed twice or is a step`, func(p *service.Props) { p.Subscribers = []service.Subscriber{{Task: "fold"}} }},
		{"a subscriber with a bad name", `subscriber task "Audit"`, func(p *service.Props) { p.Subscribers = []service.Subscriber{{Task: "Audit"}} }},
		{"a subscriber that is also an archive", "both a subscriber and an archive", func(p *service.Props) { p.Subscribers = []service.Subscriber{{Task: "archive"}} }},
		{"a field that would end a template string", `field "sku'"`, routes(func(r *events.Routes) { r.Fields = []string{"sku'"} })},
		{"a field the route sets", `field "type"`, routes(func(r *events.Routes) { r.Fields = []string{"sku", "type"} })},
		{"the stream key as a field", `field "warehouseId"`, routes(func(r *events.Routes) { r.Fields = []string{"warehouseId"} })},
		{"no stream key", "CommandStreamKey", routes(func(r *events.Routes) { r.CommandStreamKey = "" })},
		{"a collection of two segments", `collection "a/b"`, routes(func(r *events.Routes) { r.Collection = "a/b" })},
		{"a command type with a quote", `command type "Re\"serve"`, routes(func(r *events.Routes) { r.Commands = []events.Route{{Path: "x", Command: `Re"serve`}} })},
		{"a route path of two segments", `route path "a/b"`, routes(func(r *events.Routes) { r.Commands = []events.Route{{Path: "a/b", Command: "Reserve"}} })},
		{"a route on the log's read", `route path "events"`, routes(func(r *events.Routes) { r.Commands = []events.Route{{Path: "events", Command: "Reserve"}} })},
		{"two routes on one path", `two command routes have the path "x"`, routes(func(r *events.Routes) {
			r.Commands = []events.Route{{Path: "x", Command: "Reserve"}, {Path: "x", Command: "ExpireReservation"}}
		})},
		{"a success status that is an error", "answers status 404", routes(func(r *events.Routes) { r.Commands = []events.Route{{Path: "x", Command: "Reserve", Status: 404}} })},
		{"a rejection code that would end a template string", `error code "No\"Stock"`, func(p *service.Props) {
			p.Info.Rejections = append(p.Info.Rejections, events.Rejection{Code: `No"Stock`, Status: 422})
		}},
		{"a rejection with a success status", "status 200", func(p *service.Props) {
			p.Info.Rejections = append(p.Info.Rejections, events.Rejection{Code: "Odd", Status: 200})
		}},
		{"a type for a field the routes lack", `types "colour"`, func(p *service.Props) {
			p.FieldTypes = map[string]awsapigateway.JsonSchemaType{"colour": awsapigateway.JsonSchemaType_STRING}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := inventoryProps(t)
			tc.edit(&p)
			stack := awscdk.NewStack(awscdk.NewApp(nil), str("S"), nil)
			before := len(*stack.Node().Children())
			_, err := service.New(stack, "Inventory", &p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if after := len(*stack.Node().Children()); after != before {
				t.Errorf("the stack went from %d to %d children", before, after)
			}
		})
	}
}

func TestNewRefusesNilProps(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), str("S"), nil)
	if _, err := service.New(stack, "X", nil); err == nil {
		t.Fatal("New(nil props) succeeded")
	}
}

// TestNewRefusesWhatIsTaken checks an id the scope holds and a collection
// the shared API serves.
func TestNewRefusesWhatIsTaken(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), str("S"), nil)
	api := service.NewAPI(stack, "Api", nil)
	p := inventoryProps(t)
	p.API = api
	if _, err := service.New(stack, "Inventory", &p); err != nil {
		t.Fatal(err)
	}
	if _, err := service.New(stack, "Inventory", &p); err == nil || !strings.Contains(err.Error(), `"Inventory" already names a construct`) {
		t.Errorf("the same id again: err = %v", err)
	}
	if _, err := service.New(stack, "Other", &p); err == nil || !strings.Contains(err.Error(), "already serves /warehouses") {
		t.Errorf("the same collection again: err = %v", err)
	}
}

// TestAloneMakesItsOwnBusAndAPI deploys one service with no shared parts:
// it makes its own bus and REST API (one stage, IAM on every method), and
// passes cdk-nag on its own.
func TestAloneMakesItsOwnBusAndAPI(t *testing.T) {
	app := cfntest.App(t, filepath.Join("..", ".."))
	stack := awscdk.NewStack(app, str("Alone"), nil)
	p := inventoryProps(t)
	svc, err := service.New(stack, "Inventory", &p)
	if err != nil {
		t.Fatal(err)
	}
	service.ApplyNag(app)
	b, err := cfntest.Synth(stack)
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]int{
		"AWS::Events::EventBus": 1, "AWS::ApiGateway::RestApi": 1, "AWS::ApiGateway::Stage": 1,
		"AWS::ApiGateway::Account": 1, "AWS::ApiGateway::Method": 3, "AWS::Lambda::Function": 5,
		"AWS::Events::Archive": 2, "AWS::Events::Rule": 0,
	} {
		if n := len(b.Resources(typ)); n != want {
			t.Errorf("%d %s, want %d", n, typ, want)
		}
	}
	if got := b.Props(t, b.ID(svc.Bus.Archives["archive-inventory-events"]))["SourceArn"]; !cfntest.JSONEqual(got, cfntest.GetAtt(b.ID(svc.Bus.EventBus), "Arn")) {
		t.Errorf("the archive reads %v, want the service's own bus", got)
	}
	for id, m := range b.Resources("AWS::ApiGateway::Method") {
		if auth := m["Properties"].(map[string]any)["AuthorizationType"]; auth != "AWS_IAM" {
			t.Errorf("%s: AuthorizationType %v, want AWS_IAM", id, auth)
		}
	}
	errs := assertions.Annotations_FromStack(stack).FindError(str("*"), assertions.Match_StringLikeRegexp(str("AwsSolutions-.*")))
	for _, m := range *errs {
		t.Errorf("cdk-nag: %s: %v", *m.Id, m.Entry.Data)
	}
}
