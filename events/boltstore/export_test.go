package boltstore

import "time"

// Every sets the write-behind interval of a store opened WithoutSync, or
// the checkpoint interval of a synced one, for tests.
func Every(d time.Duration) Option {
	return func(c *config) error {
		c.every = d
		return nil
	}
}
