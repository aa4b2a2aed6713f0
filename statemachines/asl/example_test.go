package asl_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// Example runs a definition whose Task calls an in-process Lambda handler
// through the optimized lambda:invoke integration.
func Example() {
	def, err := asl.Parse([]byte(`{
	  "StartAt": "Greet",
	  "States": {
	    "Greet": {
	      "Type": "Task",
	      "Resource": "arn:aws:states:::lambda:invoke",
	      "Parameters": {"FunctionName": "${Greeter}", "Payload": {"name.$": "$.who"}},
	      "ResultSelector": {"greeting.$": "$.Payload"},
	      "ResultPath": "$.result",
	      "End": true
	    }
	  }
	}`), map[string]string{"Greeter": "greeter"})
	if err != nil {
		fmt.Println(err)
		return
	}
	greet := func(in struct{ Name string }) (string, error) {
		return "hello, " + strings.ToLower(in.Name), nil
	}
	reg := asl.NewRegistry()
	reg.Functions(map[string]asl.Invoker{
		"arn:aws:lambda:us-east-1:000000000000:function:greeter": lambda.NewHandler(greet),
	})
	m, err := asl.New(def, asl.WithName("Hello"), asl.WithResources(reg))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	res, err := m.StartSync(context.Background(), "first", []byte(`{"who":"World"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, *res.Output)
	// Output: SUCCEEDED {"result":{"greeting":"hello, world"},"who":"World"}
}
