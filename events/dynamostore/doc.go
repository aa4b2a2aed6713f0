// Package dynamostore implements events.EventStore and events.StateStore on
// Amazon DynamoDB.
//
// # Tables
//
// The events table has the partition key "account" (S) and the sort key
// "version" (N). Each event is one item, keyed by its account and version,
// so versions are gapless and an account's log is one partition read in
// order. At every version that events.SnapshotDue names, the item also holds
// the "snapshot" attribute: the events.State at that version as JSON,
// written in the same transaction as the event. There are no snapshot items.
//
// The event's fields are attributes: type, schemaVersion, occurredAt and
// recordedAt (RFC 3339 with nanoseconds), commandId, correlationId (when
// set) and data (binary: the event's JSON data byte for byte).
//
// Command dedupe items live in the same table under the partition key
// "cmd#<account>#<commandId>" with version 0. Account and command ids never
// hold '#', so these keys cannot meet an account's. A dedupe item holds
// "first" and "last": the versions the command produced, and
// "fingerprint" (S), the events.Fingerprint of its request, which items
// written before fingerprints existed lack. The events themselves stay in
// the account's partition, read back with one Query.
//
// The state table (the read model) has the partition key "account" (S). An
// item holds "version" (N) and "state" (the events.State as JSON).
//
// # Consistency
//
// Every read is strongly consistent. Append reads the account's tail (one
// Query), then writes the events and the dedupe item in one
// TransactWriteItems, each Put conditional on its item not existing. If the
// tail moved in between, a condition fails and the whole transaction is
// cancelled, so the snapshot folded from the tail is always the state of
// the versions it is stored with. RecordedAt is the wall clock, but never
// earlier than one nanosecond after the previous event's, so it grows
// strictly within an account.
//
// One transaction holds at most 100 items, so Append takes at most
// MaxEvents events. An item is at most 400 KB and a transaction 4 MB; a
// write over either limit returns EventTooLarge.
//
// Accounts scans the whole table, because a DynamoDB Scan has no order: it
// collects the account of every version-1 item, sorts the ids and returns
// the page after the given id. Each call costs a full scan, which suits the
// rare rebuild of a read model, not a request path.
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
// AWS_ENDPOINT_URL_DYNAMODB to use DynamoDB Local. Open reads the table
// names from EVENTS_TABLE and STATE_TABLE. CreateTables makes both tables
// (on-demand capacity) for tests and local use.
package dynamostore
