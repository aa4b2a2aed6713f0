//go:build unix

package httpguard

import "syscall"

// openFileLimit returns the soft RLIMIT_NOFILE.
func openFileLimit() (uint64, bool) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, false
	}
	return uint64(l.Cur), true
}
