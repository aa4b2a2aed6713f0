package service_test

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/infra/service"
	"github.com/stepfold/stepfold/tasks"
)

// parcels stands in for a team's own domain package: its Info is all that
// the construct reads.
func parcels() events.Info {
	return events.Info{
		Name: "parcels", Source: "acme.parcels", NotFound: "ParcelNotFound",
		Rejections: []events.Rejection{{Code: "AlreadyShipped", Status: 409}},
		Routes: events.Routes{
			Collection: "parcels", CommandStreamKey: "parcelId",
			Fields: []string{"address", "weightGrams"},
		},
		Rules: []byte(`{"source": "acme.parcels", "rules": [
			{"name": "ship-labelled", "target": "ship",
			 "eventPattern": {"source": ["acme.parcels"], "detail-type": ["ParcelLabelled"]}},
			{"name": "archive-parcels", "target": "archive", "eventPattern": {"source": ["acme.parcels"]}}]}`),
	}
}

// A team's own CDK app deploys its domain with one call: the bootstrap
// directory is the one its `make lambdas` builds, here a stand-in. The
// domain brings a subscriber, "ship", that its rules target and that reads
// the event log; with no bus or API given, the service makes its own.
func ExampleNew() {
	// A team's main also defers jsii.Close() and ends with app.Synth(nil).
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("ParcelsStack"), nil)
	svc, err := service.New(stack, "Parcels", &service.Props{
		Info:        parcels(),
		Bootstrap:   "testdata/lambda/parcels",
		Subscribers: []service.Subscriber{{Task: "ship", Access: tasks.Access{ReadEvents: true}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	awscdk.NewCfnOutput(stack, jsii.String("ParcelsStateMachineArn"), &awscdk.CfnOutputProps{Value: svc.StateMachine.StateMachineArn()})
	service.ApplyNag(app)

	tmpl := assertions.Template_FromStack(stack, nil)
	var functions []string
	for task := range svc.Functions {
		functions = append(functions, task)
	}
	sort.Strings(functions)
	fmt.Println("functions:", functions)
	for _, typ := range []string{"AWS::DynamoDB::Table", "AWS::StepFunctions::StateMachine", "AWS::Events::Rule", "AWS::Events::Archive", "AWS::ApiGateway::Method"} {
		fmt.Println(typ, len(*tmpl.FindResources(jsii.String(typ), nil)))
	}
	errs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	fmt.Println("cdk-nag errors:", len(*errs))
	// Output:
	// functions: [fold persist publish read ship validate]
	// AWS::DynamoDB::Table 2
	// AWS::StepFunctions::StateMachine 1
	// AWS::Events::Rule 1
	// AWS::Events::Archive 1
	// AWS::ApiGateway::Method 3
	// cdk-nag errors: 0
}
