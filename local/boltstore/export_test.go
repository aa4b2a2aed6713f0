package boltstore

import (
	"os"
	"testing"
	"time"
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
