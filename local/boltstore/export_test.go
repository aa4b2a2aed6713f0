package boltstore

import (
	"os"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// Every sets the write-behind interval of a store opened WithoutSync, or
// the checkpoint interval of a synced one, for tests.
func Every(d time.Duration) Option {
	return func(c *config) error {
		c.every = d
		return nil
	}
}

// CopyFile copies from to to, as a crash would leave it, for tests.
func CopyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// NewBatch is the append to stream, after version expected, of n events
// of command cmd carrying data, with the snapshots they reach, for tests.
func NewBatch(stream string, expected int64, n int, cmd, data string) events.Batch {
	return newBatch(stream, expected, n, cmd, data)
}

// TallyAt is the snapshot NewBatch hands the store at version v, for tests.
func TallyAt(v int64) events.Snapshot { return tallyAt(v) }

// SameSnapshot reports whether a and b are the same snapshot, byte for
// byte, for tests.
func SameSnapshot(a, b events.Snapshot) bool { return sameSnapshot(a, b) }
