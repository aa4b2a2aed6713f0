package service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
)

// Bus is the event bus the domain publishes on, with what routes its
// events. Each entry of the domain's rules file becomes, by its target:
//
//   - a subscriber's task: an EventBridge rule whose target is the
//     subscriber's function, with its own dead-letter queue and the retry
//     policy that the rules file gives the target (EventBridge's defaults
//     when it gives none);
//   - an archive target (rules.Target.Archive, or the target "archive"): an archive of the bus whose event
//     pattern is the entry's, kept indefinitely for replay; there is no
//     rule, since the archive itself selects the events.
//
// Patterns reach EventBridge verbatim.
type Bus struct {
	EventBus awsevents.IEventBus
	// Rules holds the rule made for each subscriber entry, by rule name.
	Rules map[string]awsevents.Rule
	// Archives holds the archive made for each archive entry, by rule name.
	Archives map[string]awsevents.Archive
	// DeadLetterQueues holds, by task, the queue that receives the events a
	// subscriber could not take after the retries.
	DeadLetterQueues map[string]awssqs.Queue
}

// routeRules makes what each entry of the rules file maps to; checkRules
// has made sure that every target has one.
func routeRules(scope constructs.Construct, p Props, entries []entry, bus awsevents.IEventBus, fns map[string]awslambda.Function) Bus {
	b := Bus{EventBus: bus, Rules: map[string]awsevents.Rule{}, Archives: map[string]awsevents.Archive{},
		DeadLetterQueues: map[string]awssqs.Queue{}}
	for _, e := range entries {
		if _, ok := subscriber(p, e.Target); !ok {
			b.Archives[e.Name] = archive(scope, p.Info.Source, e, bus)
			continue
		}
		dlq := b.DeadLetterQueues[e.Target]
		if dlq == nil {
			id := constructID(e.Target) + "DeadLetterQueue"
			dlq = newDeadLetterQueue(scope, id, "The "+p.Info.Name+" "+e.Target+" subscriber's dead-letter queue", p.RemovalPolicy)
			b.DeadLetterQueues[e.Target] = dlq
		}
		b.Rules[e.Name] = subscriberRule(scope, p.Info.Source, e, bus, fns[e.Target], dlq)
	}
	return b
}

// subscriberRule routes the rule's events to the subscriber's function.
// The typed pattern is a placeholder that the file's pattern then replaces
// verbatim, so every pattern operator in the file reaches EventBridge
// unchanged.
func subscriberRule(scope constructs.Construct, source string, e entry, bus awsevents.IEventBus,
	fn awslambda.IFunction, dlq awssqs.Queue) awsevents.Rule {
	rule := awsevents.NewRule(scope, str("Rule-"+e.Name), &awsevents.RuleProps{
		EventBus:     bus,
		Description:  str(e.Description),
		EventPattern: &awsevents.EventPattern{Source: strs(source)},
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			DeadLetterQueue: dlq,
			RetryAttempts:   num(float64(e.retry.RetryAttempts)),
			MaxEventAge:     awscdk.Duration_Seconds(num(e.retry.MaxEventAge.Seconds())),
		})},
	})
	rule.Node().DefaultChild().(awsevents.CfnRule).AddPropertyOverride(str("EventPattern"), e.pattern)
	return rule
}

// archive keeps the events that match the rule's pattern, indefinitely, so
// they can be replayed onto the bus.
func archive(scope constructs.Construct, source string, e entry, bus awsevents.IEventBus) awsevents.Archive {
	a := awsevents.NewArchive(scope, str("Archive-"+e.Name), &awsevents.ArchiveProps{
		SourceEventBus: bus,
		Description:    str(e.Description),
		EventPattern:   &awsevents.EventPattern{Source: strs(source)},
	})
	a.Node().DefaultChild().(awsevents.CfnArchive).AddPropertyOverride(str("EventPattern"), e.pattern)
	return a
}
