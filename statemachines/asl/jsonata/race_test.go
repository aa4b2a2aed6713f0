//go:build race

package jsonata

// raceEnabled reports a build with the race detector, which slows
// evaluation several times over.
const raceEnabled = true
