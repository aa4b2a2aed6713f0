// Package localbus is the local stand-in for Amazon EventBridge: the bus that
// fans account events out to their subscribers when stepfold runs in one
// process.
//
// A Bus implements events.Publisher. Publish wraps each events.Event in the
// JSON that EventBridge delivers to a target (see Event), matches it against
// the rules' event patterns with quamina, and queues one delivery per
// matching rule on that rule's target. Each target has its own queue, served
// in order by one worker, and its own dead-letter queue.
//
// Targets are in-process subscribers (Func), HTTP endpoints (Webhook) and an
// append-only JSON Lines archive (Archive), which Bus.Replay re-delivers to a
// rule.
//
// # Guarantees
//
// Delivery is at least once, as with EventBridge, so subscribers dedupe by the
// event id. Publish returns once every delivery is queued in memory; it does
// not wait for subscribers. A failed delivery is retried with exponential
// backoff and jitter, within a number of attempts and a maximum event age
// (see Retry); a delivery that still fails, or that a target refuses for good
// (see Permanent), is sent to the target's events.DeadLetters with the event
// JSON as its body. Close stops new publishes and waits for the queues to
// drain; if its context ends first, the deliveries still queued go to the
// dead-letter queues instead.
//
// Nothing but the event log is durable before delivery: an event that
// Publish accepted but no target had received when the process was killed
// (kill -9, power loss) is lost from the bus. It is still in the event
// store, and `stepfold replay --republish` publishes it again.
//
// Each target receives its deliveries in publish order, one at a time.
// Rule patterns may use only what both EventBridge and quamina support: exact
// values, prefix, anything-but (array form), exists, wildcard and
// equals-ignore-case. New rejects anything else, and patterns that can never
// match, rather than letting a rule silently match nothing.
package eventbus
