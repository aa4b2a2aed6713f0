// Package tasks holds the steps of the account command pipeline and the
// reads, as plain Go over the events ports.
//
// The state machine in statemachines/account.asl.json runs
// Validate → Persist → Publish → Fold. Each step is a method of [Service]
// that takes and returns a small JSON-friendly struct, so the same method
// serves a Lambda function on AWS (through tasks/lambdafn) and an in-process
// task on the local interpreter. Every failure is an *events.Error whose
// Code becomes the Step Functions error name.
//
// The reads are GetAccount (the precomputed state), ListEvents (a page of
// the audit log) and GetAccountAt (the state recomputed from the log as of
// a version or a business time).
//
// This package imports only events and the standard library.
package tasks
