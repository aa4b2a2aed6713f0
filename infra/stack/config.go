// Package stack defines StepfoldStack, the AWS CDK stack that deploys
// stepfold: the account state machine from statemachines/, the task and
// read Lambdas, the DynamoDB tables, the EventBridge bus with the rules from
// rules/, and the API Gateway REST API in front of it all.
package stack

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/stepfold/stepfold/rules"
	"github.com/stepfold/stepfold/statemachines"
)

// Context keys that the app reads (cdk.json or `cdk synth -c key=value`).
const (
	// ContextRemovalPolicy is "retain" (the default) or "destroy". It applies
	// to the tables, queues and log groups.
	ContextRemovalPolicy = "removalPolicy"
	// ContextLambdaDir is the directory that holds the prebuilt bootstrap
	// (default build/lambda, relative to where the app runs).
	ContextLambdaDir = "lambdaDir"
)

// DefaultLambdaDir is where `make lambdas` writes the Lambda bootstrap.
const DefaultLambdaDir = "build/lambda"

// Config is what the stack is built from. DefaultConfig reads the embedded
// definition and rules, so the stack deploys what the local mode runs.
type Config struct {
	// LambdaDir holds the prebuilt `bootstrap` that every function runs.
	LambdaDir string
	// Definition is the ASL JSON of the account state machine, with its
	// ${...} substitution placeholders.
	Definition string
	// Rules are the EventBridge rules.
	Rules rules.Set
	// RemovalPolicy applies to the stateful resources.
	RemovalPolicy awscdk.RemovalPolicy
	// ThrottleRate and ThrottleBurst limit the API stage (requests/s).
	ThrottleRate  float64
	ThrottleBurst float64
}

// DefaultConfig returns the configuration built from the embedded account
// definition and rules, with removal policy RETAIN.
func DefaultConfig() (Config, error) {
	def, err := statemachines.Files.ReadFile(statemachines.Account)
	if err != nil {
		return Config{}, fmt.Errorf("read state machine %s: %w", statemachines.Account, err)
	}
	set, err := rules.Default()
	if err != nil {
		return Config{}, err
	}
	return Config{
		LambdaDir:     DefaultLambdaDir,
		Definition:    string(def),
		Rules:         set,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		ThrottleRate:  50,
		ThrottleBurst: 100,
	}, nil
}

// ConfigFromContext returns DefaultConfig adjusted by the context values of
// scope (see the Context* keys).
func ConfigFromContext(scope constructs.Construct) (Config, error) {
	cfg, err := DefaultConfig()
	if err != nil {
		return Config{}, err
	}
	if cfg.RemovalPolicy, err = removalPolicy(scope.Node().TryGetContext(str(ContextRemovalPolicy))); err != nil {
		return Config{}, err
	}
	if dir, ok := scope.Node().TryGetContext(str(ContextLambdaDir)).(string); ok && dir != "" {
		cfg.LambdaDir = dir
	}
	return cfg, nil
}

func removalPolicy(v any) (awscdk.RemovalPolicy, error) {
	switch v {
	case nil, "", "retain":
		return awscdk.RemovalPolicy_RETAIN, nil
	case "destroy":
		return awscdk.RemovalPolicy_DESTROY, nil
	}
	return "", fmt.Errorf("context %s is %v; want \"retain\" or \"destroy\"", ContextRemovalPolicy, v)
}

// Check reports a configuration that cannot deploy, such as a missing
// Lambda bootstrap (run `make lambdas`).
func (c Config) Check() error {
	bootstrap := filepath.Join(c.LambdaDir, "bootstrap")
	if _, err := os.Stat(bootstrap); err != nil {
		return fmt.Errorf("lambda binary %s is missing (run `make lambdas`): %w", bootstrap, err)
	}
	if c.Definition == "" {
		return fmt.Errorf("state machine definition is empty")
	}
	return nil
}
