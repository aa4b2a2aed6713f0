//go:build unix

package boltstore_test

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time of the whole process, every
// goroutine included, or -1 when it cannot be read.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
