// Package storetest is the conformance suite of the events ports. Every
// adapter runs it from its own tests, against a fresh store per case:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) events.EventStore { return open(t) })
//	}
//
// Run checks an events.EventStore, RunStateStore an events.StateStore and
// RunDeadLetters an events.DeadLetters. Each is a table of named subtests;
// the constructor is called once per subtest with that subtest's t, so it
// should build the store under t.TempDir() (or another fresh namespace) and
// register its cleanup with t.Cleanup.
//
// The suite is the executable form of the port contracts in package events:
// order and optimistic concurrency, command-id idempotency (with the
// request fingerprint: a reused id is IdempotencyKeyReused), snapshots every
// events.SnapshotEvery versions, bounded Load, input validation that writes
// nothing, the Accounts scan, and context cancellation.
package storetest
