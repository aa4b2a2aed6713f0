// Package eventbus is the local stand-in for Amazon EventBridge: the bus that
// fans a domain's events out to their subscribers when stepfold runs in one
// process.
//
// A Bus implements events.Publisher. Publish wraps each events.Event in the
// JSON that EventBridge delivers to a target (see Event), matches it against
// the rules' event patterns with quamina, and writes it, with the rules it
// matched, to the bus's durable queue. Each target has a worker that reads
// the queue and delivers the target's events in order, one at a time, and
// each target has its own retry policy and dead-letter queue.
//
// Targets are in-process subscribers (Func), HTTP endpoints (Webhook) and an
// append-only JSON Lines archive (Archive), which Bus.Replay re-delivers to a
// rule.
//
// # The queue
//
// The queue is one append-only log in the directory given to New, in
// segment files that every target's worker reads. Publish returns once its
// events are written to the log, like PutEvents, which returns once
// EventBridge has the events, whatever the targets do: a target that is
// down, slow or stuck never slows a Publish. Each Publish writes its own
// records, one write of a few hundred bytes to the page cache. The file is
// synced within SyncInterval of a write, not once per Publish, and the
// sync holds up no write: the event store already
// syncs each command's events before Publish is called, so one sync of the
// queue serves every command of the interval. Workers read the log back
// from the page cache, so a target that falls behind costs disk space, not
// memory. Progress (how far each target got) goes into the same log with
// the next write. A segment is removed once every target is done with it,
// and a Close that leaves nothing queued removes them all.
//
// Should the queue's disk fail, Publish sends the events straight to their
// targets' dead-letter queues, with an error in the log for each, and
// returns PublishFailed only if that fails too.
//
// # Guarantees
//
// Delivery is at least once, as with EventBridge, so subscribers dedupe by
// the event id. An event that Publish accepted reaches each of its targets,
// or that target's dead-letter queue:
//
//   - While the bus runs, a failed delivery is retried with exponential
//     backoff and jitter, within the target's Retry policy (attempts and
//     maximum event age, EventBridge's 185 retries within 24 hours unless
//     WithRetry or WithTargetRetry say otherwise). A delivery that still
//     fails, or that the target refuses for good (see Permanent), goes to
//     the target's events.DeadLetters with the event JSON as its body. A
//     target receives nothing newer while it retries one event.
//   - After a graceful stop (Close), whatever was not delivered stays in the
//     queue, and a New over the same directory delivers it, in order. Close
//     syncs each target's progress, so no event reaches a target twice
//     because of the stop; only the retries that at-least-once delivery
//     implies do that (a target that took an event but answered with an
//     error, or whose answer was lost, gets it again).
//   - After the process is killed (kill -9, a panic), nothing that Publish
//     returned for is lost: it was written to the file, which the operating
//     system keeps. A target may get again the events it received since its
//     progress was last written: usually those since the last Publish, and
//     about 256 at most while the bus only drains.
//   - After a machine crash (power loss, a kernel panic), the deliveries of
//     the last SyncInterval before it may be missing from the queue, as
//     from the archive. Their events are in the event store, which synced
//     them before Publish was called, and can be published again from
//     there.
//
// The count of attempts starts again after a restart; the age does not, so
// an event that waited in the queue past its target's maximum age, say over
// a long stop, goes to the dead-letter queue without another attempt.
//
// A last record cut short by a machine crash is dropped, with a warning, by
// New. Any other damage to the log stops New with an error that names the
// file and the offset. Deliveries queued for a target that the new bus does
// not have are dropped, with a warning; the events are still in the event
// store.
//
// Rule patterns may use only what both EventBridge and quamina support: exact
// values, prefix, anything-but (array form), exists, wildcard and
// equals-ignore-case. New rejects anything else, and patterns that can never
// match, rather than letting a rule silently match nothing.
package eventbus
