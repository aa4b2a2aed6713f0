package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/stepfold/stepfold/infra/service"
)

// Stack is StepfoldStack with handles on its parts, for tests and outputs.
type Stack struct {
	awscdk.Stack
	// Bus and API are shared by every domain.
	Bus awsevents.EventBus
	API awsapigateway.RestApi
	// Services are the deployed domains, in the order of Config.Domains.
	Services []*service.Service
}

// New builds the stack from cfg. It fails if cfg cannot deploy, or if a
// domain's service cannot (see service.New).
func New(scope constructs.Construct, id string, props *awscdk.StackProps, cfg Config) (*Stack, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	s := &Stack{Stack: awscdk.NewStack(scope, str(id), props)}
	s.Bus = awsevents.NewEventBus(s.Stack, str("EventBus"), &awsevents.EventBusProps{
		Description: str("stepfold domain events"),
	})
	s.API = service.NewAPI(s.Stack, "Api", &service.APIProps{
		Description:   "stepfold API",
		ThrottleRate:  cfg.ThrottleRate,
		ThrottleBurst: cfg.ThrottleBurst,
		RemovalPolicy: cfg.RemovalPolicy,
	})
	for _, d := range cfg.Domains {
		p := d.Props
		p.Bus, p.API, p.RemovalPolicy, p.Bootstrap = s.Bus, s.API, cfg.RemovalPolicy, cfg.bootstrapDir(d)
		svc, err := service.New(s.Stack, d.ID, &p)
		if err != nil {
			return nil, err
		}
		if d.Tables != nil {
			keepLogicalID(svc.Tables.Events, d.Tables.Events)
			keepLogicalID(svc.Tables.State, d.Tables.State)
		}
		s.Services = append(s.Services, svc)
		s.addDomainOutputs(d.OutputPrefix, svc)
	}
	s.out("ApiUrl", "Base URL of the stage; append a domain's collection, such as accounts/...", s.API.Url())
	s.out("EventBusName", "The bus every domain's events are published on", s.Bus.EventBusName())
	return s, nil
}

// Service returns the service of the domain with the name, or nil.
func (s *Stack) Service(name string) *service.Service {
	for _, svc := range s.Services {
		if svc.Info.Name == name {
			return svc
		}
	}
	return nil
}

func (s *Stack) addDomainOutputs(prefix string, svc *service.Service) {
	name := svc.Info.Name
	s.out(prefix+"StateMachineArn", "The "+name+" command state machine (Express)", svc.StateMachine.StateMachineArn())
	s.out(prefix+"DeadLetterQueueUrl", "The "+name+" commands whose Persist, Publish or Fold step failed for good", svc.DeadLetterQueue.QueueUrl())
}

func (s *Stack) out(id, desc string, v *string) {
	awscdk.NewCfnOutput(s.Stack, str(id), &awscdk.CfnOutputProps{Value: v, Description: str(desc)})
}

// keepLogicalID gives a table the logical id it was deployed under.
func keepLogicalID(t awsdynamodb.Table, id string) {
	t.Node().DefaultChild().(awsdynamodb.CfnTable).OverrideLogicalId(str(id))
}

func str(s string) *string { return jsii.String(s) }
