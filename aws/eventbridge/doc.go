// Package eventbridge implements events.Publisher over Amazon EventBridge
// PutEvents.
//
// Each event becomes one entry on the configured bus:
//
//   - Source is the one given to New: the domain's Info().Source, such as
//     "stepfold.accounts".
//   - DetailType is the event type, such as "FundsDeposited".
//   - Detail is the event envelope as Event.MarshalJSON writes it: id, the
//     stream id under the event's StreamKey (the bank's events name it
//     "account"), version, type, schemaVersion, occurredAt, recordedAt,
//     commandId, correlationId, data.
//   - Time is RecordedAt, the time the store recorded the event: it grows
//     with the version within a stream and is when the fact became part
//     of the log. Business time stays in the detail as occurredAt. An event
//     with no RecordedAt gets OccurredAt; with neither, EventBridge uses
//     the time it received the entry.
//   - Resources are empty.
//
// Publish sends the events in order, in batches of at most 10 entries and
// at most 256 KiB, the PutEvents limits. An entry's size is counted as
// EventBridge counts it: 14 bytes for Time, plus the UTF-8 bytes of Source,
// DetailType, Detail and each resource.
//
// When PutEvents reports failed entries, only those are sent again, after
// a backoff, a few times. Entries that still fail make Publish return an
// *events.Error, Throttled when every failure was throttling and
// PublishFailed otherwise, that wraps a *FailedError naming the events that
// were not published. A batch that fails stops the publish, so later events
// are not sent before earlier ones; retried entries may reach the bus after
// later entries of their own batch. Delivery is at least once: consumers
// dedupe by the event id.
//
// The endpoint comes from the SDK's configuration, so
// AWS_ENDPOINT_URL_EVENTBRIDGE (the variable the SDK reads for the service
// id "EventBridge") points the client at a local bus.
package eventbridge
