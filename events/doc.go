// Package events is stepfold's event-sourcing core. It knows no domain and
// imports nothing of stepfold's.
//
// It holds three things:
//
//   - The contract a team implements for its own domain: [Domain], a value
//     with no I/O that decodes commands strictly ([DecodeStrict]), decides
//     them against a state into event data ([Data]), and folds recorded
//     events ([Fact]) into the next state; [Info] describes it (its event
//     types with their schema versions and upcasters, [Def]; its rejection
//     codes and HTTP statuses; its routes; its EventBridge rules).
//   - The envelope of a recorded event, [Event]: a stream, a gapless
//     version, an id made of the two (stable, so subscribers dedupe by it),
//     two clocks (OccurredAt, the business time it is for, and RecordedAt,
//     when it was stored), the command that caused it, and the domain's
//     data as opaque JSON.
//   - The ports that adapters implement: [EventStore] (the append-only log,
//     with snapshots every [SnapshotEvery] events and the command ids
//     applied), [StateStore] (the precomputed read model), [Publisher]
//     (fan-out to other consumers) and [DeadLetters]. Stores never fold:
//     snapshots and read-model states are the domain's JSON, which the
//     tasks compute. [CheckBatch] and its siblings make every adapter refuse
//     the same bad input the same way.
//
// Every failure is an [*Error] whose [Code] crosses the Lambda and Step
// Functions boundary unchanged, as the error name a state machine's
// ErrorEquals matches and the HTTP API's "error" member.
//
// The tasks (package tasks) drive a Domain over the ports; domaintest tests
// a domain with no store; storetest is the conformance suite of the ports.
package events
