// Package stack defines StepfoldStack, the CDK stack of stepfold's own app:
// it registers stepfold's two domains, the bank account and the inventory,
// with the service construct (infra/service), on one event bus and one
// REST API that the two share.
package stack

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/infra/service"
	"github.com/stepfold/stepfold/tasks"
)

// Context keys that the app reads (cdk.json or `cdk synth -c key=value`).
const (
	// ContextRemovalPolicy is "retain" (the default) or "destroy". It applies
	// to the tables, queues and log groups.
	ContextRemovalPolicy = "removalPolicy"
	// ContextLambdaDir is the directory that holds each domain's prebuilt
	// bootstrap, as <domain>/bootstrap (default build/lambda, relative to
	// where the app runs).
	ContextLambdaDir = "lambdaDir"
)

// DefaultLambdaDir is where `make lambdas` writes the Lambda bootstraps.
const DefaultLambdaDir = "build/lambda"

// Domain is one domain the stack deploys.
type Domain struct {
	// ID is the construct id of the domain's service.
	ID string
	// Props are the service's props; the stack sets its bus, API and
	// removal policy, and the bootstrap directory when it is empty.
	Props service.Props
	// OutputPrefix starts the names of the domain's stack outputs.
	OutputPrefix string
	// Tables, when set, are the logical ids the domain's tables keep.
	Tables *TableIDs
}

// TableIDs are the CloudFormation logical ids of a domain's two tables.
type TableIDs struct{ Events, State string }

// Config is what the stack is built from.
type Config struct {
	// LambdaDir holds each domain's bootstrap, in a directory named after
	// the domain.
	LambdaDir string
	// RemovalPolicy applies to the stateful resources.
	RemovalPolicy awscdk.RemovalPolicy
	// ThrottleRate and ThrottleBurst limit the API stage (requests/s).
	ThrottleRate  float64
	ThrottleBurst float64
	// Domains are the registered domains, in the order they deploy.
	Domains []Domain
}

// Domains are stepfold's two domains, registered.
//
// The bank's outputs keep the names, and its tables the logical ids, that
// they had when it was the stack's only domain: an update of a stack
// deployed then keeps its accounts, its URL and the outputs that scripts
// read. Its notifier is a subscriber that reads the event log (for the
// account's currency).
//
// Each domain's rules are its own file (events.Info.Rules), with the bank
// notifier's retry policy (8 retries within 4 hours), and the inventory's
// expired reservations going to an archive of their own, "lapsed", beside
// the archive of all its events.
func Domains() []Domain {
	str, integer := awsapigateway.JsonSchemaType_STRING, awsapigateway.JsonSchemaType_INTEGER
	bank := account.Domain{}.Info()
	return []Domain{{
		ID: "Account",
		Props: service.Props{
			Info:        bank,
			Subscribers: []service.Subscriber{{Task: "notify", Access: tasks.Access{ReadEvents: true}}},
			FieldTypes: map[string]awsapigateway.JsonSchemaType{
				"amount": integer, "currency": str, "occurredAt": str, "reference": str, "eventId": str,
			},
		},
		Tables: &TableIDs{Events: "EventsTableD24865E5", State: "StateTable9728C7E5"},
	}, {
		ID: "Inventory",
		Props: service.Props{
			Info: inventory.Domain{}.Info(),
			FieldTypes: map[string]awsapigateway.JsonSchemaType{
				"sku": str, "quantity": integer, "reservationId": str, "expiresAt": str, "occurredAt": str,
			},
		},
		OutputPrefix: "Inventory",
	}}
}

// DefaultConfig returns the configuration that deploys Domains, with
// removal policy RETAIN.
func DefaultConfig() Config {
	return Config{
		LambdaDir:     DefaultLambdaDir,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		ThrottleRate:  50,
		ThrottleBurst: 100,
		Domains:       Domains(),
	}
}

// ConfigFromContext returns DefaultConfig adjusted by the context values of
// scope (see the Context* keys).
func ConfigFromContext(scope constructs.Construct) (Config, error) {
	cfg := DefaultConfig()
	var err error
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

// bootstrapDir is the directory of d's bootstrap.
func (c Config) bootstrapDir(d Domain) string {
	if d.Props.Bootstrap != "" {
		return d.Props.Bootstrap
	}
	return filepath.Join(c.LambdaDir, d.Props.Info.Name)
}

// Check reports a configuration that cannot deploy, such as a missing
// Lambda bootstrap (run `make lambdas`).
func (c Config) Check() error {
	if len(c.Domains) == 0 {
		return fmt.Errorf("no domain is registered")
	}
	for _, d := range c.Domains {
		bootstrap := filepath.Join(c.bootstrapDir(d), "bootstrap")
		if _, err := os.Stat(bootstrap); err != nil {
			return fmt.Errorf("lambda binary %s is missing (run `make lambdas`): %w", bootstrap, err)
		}
	}
	return nil
}
