package service

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/tasks"
)

// Props is what New deploys.
type Props struct {
	// Info is the domain: its name, event source, rejections, routes and
	// rules. Required.
	Info events.Info
	// Bootstrap is the directory that holds the domain's prebuilt Lambda
	// `bootstrap` (`make lambdas` writes build/lambda/<name>). Required.
	Bootstrap string
	// Definition is the state machine's ASL, with one ${...} placeholder
	// per substitution (the task table's and the dead-letter queue's); the
	// generic pipeline, statemachines.Pipeline, when empty.
	Definition string
	// Subscribers are the domain's own functions that its rules target.
	Subscribers []Subscriber
	// FieldTypes gives the JSON type that the API checks for a body field
	// (see events.Routes.Fields); a field it does not list may hold any JSON
	// value, and the domain's strict decoding checks it. The stream key and
	// "type" are always strings.
	FieldTypes map[string]awsapigateway.JsonSchemaType
	// Bus is the event bus the domain publishes on and its rules read; nil
	// makes one for the service.
	Bus awsevents.IEventBus
	// API is the REST API that the domain's routes join; nil makes one for
	// the service with NewAPI's defaults.
	API awsapigateway.IRestApi
	// RemovalPolicy applies to the tables, queues and log groups; RETAIN
	// when empty.
	RemovalPolicy awscdk.RemovalPolicy
}

// Subscriber is a function of the domain that its rules target: it runs
// the domain's bootstrap with STEPFOLD_TASK set to Task, and a rule whose
// target is Task delivers to it.
type Subscriber struct {
	// Task is the value of STEPFOLD_TASK and the rules' target name, such
	// as "notify": lowercase letters, digits and '-'.
	Task string
	// Access is what the subscriber touches; its grants follow it.
	Access tasks.Access
}

// Service is one deployed domain, with handles on its parts.
//
// Service is not itself a construct: Construct is the one that holds every
// resource of the service, and the scope for what a team adds to it.
type Service struct {
	Construct constructs.Construct
	// Info is the domain the service deploys.
	Info   events.Info
	Tables Tables
	// Functions holds every function by task: the steps of tasks.Steps,
	// then the subscribers.
	Functions map[string]awslambda.Function
	// StateMachine runs one command: Validate → Persist → Publish → Fold.
	StateMachine awsstepfunctions.StateMachine
	// DeadLetterQueue receives the commands whose Persist, Publish or Fold
	// failed for good.
	DeadLetterQueue awssqs.Queue
	Bus             Bus
	API             API
}

// New deploys the domain of props under scope. It fails, having added
// nothing, when props cannot deploy: a missing bootstrap, a definition
// whose placeholders are not the substitutions, a rules file that does not
// parse or names a target with no mapping, names that cannot go into a
// mapping template or a URL path, or an id or collection already taken.
func New(scope constructs.Construct, id string, props *Props) (*Service, error) {
	p, entries, err := checked(props)
	if err != nil {
		return nil, err
	}
	if err := checkFree(scope, id, p); err != nil {
		return nil, fmt.Errorf("service %s: %w", p.Info.Name, err)
	}
	s := &Service{Construct: constructs.NewConstruct(scope, str(id)), Info: p.Info}
	c := s.Construct
	s.Tables = newTables(c, p)
	bus := p.Bus
	if bus == nil {
		bus = awsevents.NewEventBus(c, str("EventBus"), &awsevents.EventBusProps{
			Description: str("stepfold " + p.Info.Name + " events"),
		})
	}
	s.Functions = newFunctions(c, p, s.Tables, bus)
	s.Bus = routeRules(c, p, entries, bus, s.Functions)
	s.StateMachine, s.DeadLetterQueue = newPipeline(c, p, s.Functions)
	s.API = newRoutes(c, p, s.StateMachine, s.Functions[tasks.StepRead])
	s.suppressNagFindings()
	return s, nil
}

// checked returns props with its defaults filled in and its rules parsed,
// or what makes it unable to deploy.
func checked(props *Props) (Props, []entry, error) {
	if props == nil {
		return Props{}, nil, fmt.Errorf("service: no props")
	}
	p := *props
	if p.Definition == "" {
		def, err := statemachines.Files.ReadFile(statemachines.Pipeline)
		if err != nil {
			return Props{}, nil, fmt.Errorf("service: read %s: %w", statemachines.Pipeline, err)
		}
		p.Definition = string(def)
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := checkProps(p); err != nil {
		return Props{}, nil, fmt.Errorf("service %s: %w", p.Info.Name, err)
	}
	entries, err := checkRules(p)
	if err != nil {
		return Props{}, nil, fmt.Errorf("service %s: rules: %w", p.Info.Name, err)
	}
	return p, entries, nil
}

func checkProps(p Props) error {
	if err := checkInfo(p.Info); err != nil {
		return err
	}
	if err := checkBootstrap(p.Bootstrap); err != nil {
		return err
	}
	if err := checkDefinition(p.Definition); err != nil {
		return err
	}
	if err := checkFieldTypes(p); err != nil {
		return err
	}
	return checkSubscribers(p.Subscribers)
}

// checkBootstrap reports a directory that holds no Lambda bootstrap.
func checkBootstrap(dir string) error {
	if dir == "" {
		return fmt.Errorf("Props.Bootstrap names no directory")
	}
	bootstrap := filepath.Join(dir, "bootstrap")
	if _, err := os.Stat(bootstrap); err != nil {
		return fmt.Errorf("lambda binary %s is missing (run `make lambdas`): %w", bootstrap, err)
	}
	return nil
}

// checkFree reports an id that scope already holds, or a collection that
// the shared API already serves.
func checkFree(scope constructs.Construct, id string, p Props) error {
	if scope.Node().TryFindChild(str(id)) != nil {
		return fmt.Errorf("%q already names a construct in %s", id, *scope.Node().Path())
	}
	if p.API != nil && p.API.Root().GetResource(str(httpapi.Collection(p.Info))) != nil {
		return fmt.Errorf("the API already serves /%s", httpapi.Collection(p.Info))
	}
	return nil
}
