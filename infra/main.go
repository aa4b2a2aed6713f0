// Command infra is the AWS CDK app that deploys stepfold. cdk.json at the
// repository root runs it (`go run ./infra`); it synthesizes StepfoldStack,
// which deploys the bank account and the inventory, offline, and checks it
// with cdk-nag's AwsSolutions rules.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/stepfold/stepfold/infra/service"
	"github.com/stepfold/stepfold/infra/stack"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		os.Exit(1)
	}
}

func run() error {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	cfg, err := stack.ConfigFromContext(app)
	if err != nil {
		return err
	}
	if _, err := stack.New(app, "StepfoldStack", &awscdk.StackProps{
		Description: jsii.String("stepfold: event-sourced services (bank accounts, inventory) on Step Functions Express"),
		Env:         env(),
	}, cfg); err != nil {
		return err
	}
	service.ApplyNag(app)
	app.Synth(nil)
	return nil
}

// env targets the account and region of the CLI's credentials when there
// are any; without them the stack stays environment-agnostic, which is how
// it synthesizes offline.
func env() *awscdk.Environment {
	account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION")
	if account == "" || region == "" {
		return nil
	}
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}
