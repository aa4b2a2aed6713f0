// Package layout holds the test of the repository's import rules: the
// core, the stores, the conformance suite, the tasks and the local
// emulation of AWS know no domain, and the interpreter imports only the
// standard library, AWS API types and its own subpackages.
package layout
