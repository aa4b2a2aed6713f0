package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/constructs-go/constructs/v10"
)

// Stack is StepfoldStack with handles on its parts, for tests and outputs.
type Stack struct {
	awscdk.Stack
	Tables    Tables
	Functions Functions
	Pipeline  Pipeline
	Bus       Bus
	API       awsapigateway.RestApi
}

// New builds the stack from cfg. It fails if cfg cannot deploy or if a
// rule's target has no AWS mapping.
func New(scope constructs.Construct, id string, props *awscdk.StackProps, cfg Config) (*Stack, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	s := &Stack{Stack: awscdk.NewStack(scope, str(id), props)}
	s.Tables = newTables(s.Stack, cfg)
	bus := newEventBus(s.Stack)
	s.Functions = newFunctions(s.Stack, cfg, s.Tables, bus)
	var err error
	if s.Bus, err = routeRules(s.Stack, cfg, bus, s.Functions.Notify); err != nil {
		return nil, err
	}
	s.Pipeline = newPipeline(s.Stack, cfg, s.Functions)
	s.API = newAPI(s.Stack, cfg, s.Pipeline.StateMachine, s.Functions.Read)
	s.addOutputs()
	suppressNagFindings(s)
	return s, nil
}

func (s *Stack) addOutputs() {
	out := func(id, desc string, v *string) {
		awscdk.NewCfnOutput(s.Stack, str(id), &awscdk.CfnOutputProps{Value: v, Description: str(desc)})
	}
	out("ApiUrl", "Base URL of the stage; append accounts/...", s.API.Url())
	out("StateMachineArn", "The account command state machine (Express)", s.Pipeline.StateMachine.StateMachineArn())
	out("EventBusName", "The bus the account events are published on", s.Bus.EventBus.EventBusName())
	out("DeadLetterQueueUrl", "Commands whose Persist, Publish or Fold step failed for good", s.Pipeline.DeadLetterQueue.QueueUrl())
}
