// Package quickstart holds the test of the README's quick start: it runs
// the quick start's curl lines, in order, against a stepfold serve built
// from the same tree, and checks that each answers as the README says.
package quickstart
