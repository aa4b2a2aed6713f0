// Package dynamostore implements events.EventStore and events.StateStore on
// Amazon DynamoDB.
//
// # Tables
//
// The store knows no domain: event data and snapshot states are the
// domain's JSON, stored byte for byte and never read.
//
// The events table has the partition key "account" (S), which holds the
// stream id, and the sort key "version" (N). The key keeps the name it was
// first given for the bank account, because DynamoDB cannot rename the key
// of a table that holds data; the infra stack declares the same names.
// Each event is one item, keyed by its stream and version, so versions are
// gapless and a stream's log is one partition read in order.
//
// The event's fields are attributes: type, schemaVersion, occurredAt and
// recordedAt (RFC 3339 with nanoseconds), commandId, correlationId (when
// set) and data (binary: the event's JSON data byte for byte). The
// envelope's StreamKey is not stored; events come back without it.
//
// At every version that events.SnapshotDue names, the event's item also
// holds the snapshot the tasks computed for that version, written in the
// same transaction as the event: "snapshot" (binary: the state's JSON byte
// for byte) and "lastOccurredAt" (S, RFC 3339, absent when zero). There
// are no snapshot items. An item written before states were opaque holds
// "snapshot" as a string, the bank account's state as JSON with its
// lastOccurredAt inside; it is read as it was stored.
//
// Command dedupe items live in the same table under the partition key
// "cmd#<stream>#<commandId>" with version 0. Stream and command ids never
// hold '#', so these keys cannot meet a stream's. A dedupe item holds
// "first" and "last": the versions the command produced, and
// "fingerprint" (S), the events.Fingerprint of its request, which items
// written before fingerprints existed lack. The events themselves stay in
// the stream's partition, read back with one Query.
//
// The state table (the read model) has the partition key "account" (S),
// the stream id. An item holds "version" (N), "state" (binary: the state's
// JSON; a string in items of the earlier layout) and "lastOccurredAt".
//
// # Consistency
//
// Every read is strongly consistent. Append reads the stream's latest
// item (one Query of one item), then writes the events, their snapshots
// and the dedupe item in one TransactWriteItems, each Put conditional on
// its item not existing. If the log moved in between, a condition fails
// and the whole transaction is cancelled. A command id already applied is
// found before the snapshots are checked, so a retry is a duplicate
// whatever it carries. RecordedAt is the wall clock, but never earlier
// than one nanosecond after the previous event's, so it grows strictly
// within a stream.
//
// One transaction holds at most 100 items, so Append takes at most
// MaxEvents events. An item (an event with its snapshot) is at most 400
// KB and a transaction 4 MB; a write over either limit returns
// EventTooLarge, as does a read-model state over 400 KB.
//
// Streams scans the whole table, because a DynamoDB Scan has no order: it
// collects the stream of every version-1 item, sorts the ids and returns
// the page after the given id. Each call costs a full scan, which suits
// the rare rebuild of a read model, not a request path.
//
// # Errors
//
// Every error is an *events.Error that wraps the SDK's error: a missing
// table gives StoreUnavailable; ProvisionedThroughputExceeded, throttling
// and request-limit errors, including throttled transaction items, give
// Throttled.
//
// # Configuration
//
// The endpoint comes from the SDK's own configuration: set
// AWS_ENDPOINT_URL_DYNAMODB to use DynamoDB Local. NewFromEnv reads the table
// names from EVENTS_TABLE and STATE_TABLE. CreateTables makes both tables
// (on-demand capacity) for tests and local use.
package dynamostore
