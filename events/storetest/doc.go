// Package storetest is the conformance suite of the core's ports. Every
// adapter runs it from its own tests, against a fresh store per case:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) events.EventStore { return open(t) })
//	}
//
// Run checks a events.EventStore, RunStateStore a events.StateStore and
// RunDeadLetters a events.DeadLetters. Each is a table of named subtests; the
// constructor is called once per subtest with that subtest's t, so it should
// build the store under t.TempDir() (or another fresh namespace) and
// register its cleanup with t.Cleanup.
//
// The suite is the executable form of the port contracts in package events:
// order and optimistic concurrency, command-id idempotency, snapshots every
// events.SnapshotEvery versions written with the events that reach them,
// bounded Load, events written under an older schema read back for their
// upcasters, input validation that writes nothing, the Streams scan, and
// context cancellation.
//
// Stores know no domain, so the suite brings a tiny one of its own, a
// tally: each event adds its version to a running total, which gives every
// snapshot a closed form the checks compare with a fold of the events.
package storetest
