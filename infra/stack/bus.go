package stack

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/stepfold/stepfold/rules"
)

// Rule targets in rules.json, and what each becomes on AWS.
const (
	// TargetNotify becomes an EventBridge rule whose target is the notify
	// function, with its own dead-letter queue and retry policy.
	TargetNotify = "notify"
	// TargetArchive becomes an EventBridge archive of the bus whose event
	// pattern is the rule's pattern; there is no rule, since the archive
	// itself selects and keeps the events for replay.
	TargetArchive = "archive"
)

// Bus is the custom event bus with what routes its events.
type Bus struct {
	EventBus awsevents.EventBus
	// Rules holds the rule made for each notify entry, by rule name.
	Rules map[string]awsevents.Rule
	// Archives holds the archive made for each archive entry, by rule name.
	Archives map[string]awsevents.Archive
	// NotifyDeadLetterQueue receives events the notify function could not
	// take after the retries.
	NotifyDeadLetterQueue awssqs.Queue
}

func newEventBus(scope constructs.Construct) awsevents.EventBus {
	return awsevents.NewEventBus(scope, str("EventBus"), &awsevents.EventBusProps{
		Description: str("stepfold account events"),
	})
}

// routeRules makes, for every entry of the rules file, what its target maps
// to (see TargetNotify and TargetArchive). A target with no AWS mapping,
// such as a webhook name, is an error rather than a silently missing route.
func routeRules(scope constructs.Construct, cfg Config, bus awsevents.EventBus, notify awslambda.IFunction) (Bus, error) {
	b := Bus{EventBus: bus, Rules: map[string]awsevents.Rule{}, Archives: map[string]awsevents.Archive{}}
	for _, r := range cfg.Rules.Rules {
		pattern, err := decodePattern(r)
		if err != nil {
			return Bus{}, err
		}
		switch r.Target {
		case TargetNotify:
			if b.NotifyDeadLetterQueue == nil {
				b.NotifyDeadLetterQueue = newDeadLetterQueue(scope, "NotifyDeadLetterQueue", "The notifier's dead-letter queue", cfg)
			}
			b.Rules[r.Name] = notifyRule(scope, cfg.Rules, r, pattern, bus, notify, b.NotifyDeadLetterQueue)
		case TargetArchive:
			b.Archives[r.Name] = archive(scope, cfg.Rules, r, pattern, bus)
		default:
			return Bus{}, fmt.Errorf("rule %q: target %q has no AWS mapping (want %q or %q)", r.Name, r.Target, TargetNotify, TargetArchive)
		}
	}
	return b, nil
}

func decodePattern(r rules.Rule) (map[string]any, error) {
	var p map[string]any
	if err := json.Unmarshal(r.EventPattern, &p); err != nil {
		return nil, fmt.Errorf("rule %q: event pattern: %w", r.Name, err)
	}
	return p, nil
}

// notifyRule routes the rule's events to the notify function, with the
// target's retry policy from the rules file. The typed pattern is a
// placeholder that the file's pattern then replaces verbatim, so every
// pattern operator in the file reaches EventBridge unchanged.
func notifyRule(scope constructs.Construct, set rules.Set, r rules.Rule, pattern map[string]any,
	bus awsevents.EventBus, notify awslambda.IFunction, dlq awssqs.Queue) awsevents.Rule {
	retry := set.Retry(r.Target)
	rule := awsevents.NewRule(scope, str("Rule-"+r.Name), &awsevents.RuleProps{
		EventBus:     bus,
		Description:  str(r.Description),
		EventPattern: &awsevents.EventPattern{Source: strs(set.Source)},
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(notify, &awseventstargets.LambdaFunctionProps{
			DeadLetterQueue: dlq,
			RetryAttempts:   num(float64(retry.RetryAttempts)),
			MaxEventAge:     awscdk.Duration_Seconds(num(retry.MaxEventAge.Seconds())),
		})},
	})
	rule.Node().DefaultChild().(awsevents.CfnRule).AddPropertyOverride(str("EventPattern"), pattern)
	return rule
}

// archive keeps the events that match the rule's pattern, indefinitely, so
// they can be replayed onto the bus.
func archive(scope constructs.Construct, set rules.Set, r rules.Rule, pattern map[string]any, bus awsevents.EventBus) awsevents.Archive {
	a := awsevents.NewArchive(scope, str("Archive-"+r.Name), &awsevents.ArchiveProps{
		SourceEventBus: bus,
		Description:    str(r.Description),
		EventPattern:   &awsevents.EventPattern{Source: strs(set.Source)},
	})
	a.Node().DefaultChild().(awsevents.CfnArchive).AddPropertyOverride(str("EventPattern"), pattern)
	return a
}
