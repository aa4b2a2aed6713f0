package service_test

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/stepfold/stepfold/docs/yourdomain/parcels"
	"github.com/stepfold/stepfold/infra/service"
)

// A team's own CDK app deploys its domain with one call: here the parcel
// tracker of docs/your-domain.md. The bootstrap directory is the one its
// `make lambdas` builds, here a stand-in. Every target of the domain's
// rules is an archive, so it brings no subscribers; with no bus or API
// given, the service makes its own.
func ExampleNew() {
	// A team's main also defers jsii.Close() and ends with app.Synth(nil).
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("ParcelsStack"), nil)
	svc, err := service.New(stack, "Parcels", &service.Props{
		Info:      parcels.Domain{}.Info(),
		Bootstrap: "testdata/lambda/parcels",
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
	// functions: [fold persist publish read validate]
	// AWS::DynamoDB::Table 2
	// AWS::StepFunctions::StateMachine 1
	// AWS::Events::Rule 0
	// AWS::Events::Archive 2
	// AWS::ApiGateway::Method 3
	// cdk-nag errors: 0
}
