//go:build !unix

package boltstore_test

import "time"

// cpuTime returns -1: the process CPU time is read only on unix.
func cpuTime() time.Duration { return -1 }
