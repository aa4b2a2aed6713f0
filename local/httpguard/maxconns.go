package httpguard

// Bounds of DefaultMaxConns.
const (
	// reservedFiles are the file descriptors kept for everything but the
	// server's connections: the data files, the log, webhook clients.
	reservedFiles = 64
	// maxDefaultConns bounds the default cap where the open-file limit
	// is very high (Go raises the soft limit to the hard one, often
	// 1048576): each connection costs a goroutine and its buffers, some
	// 20 KB, so 4096 idle ones hold about 80 MB.
	maxDefaultConns = 4096
)

// MaxConnsFor returns the connection cap for a process that may open
// nofile files: what is left after reservedFiles (or half the files, when
// that is fewer), at most 4096.
func MaxConnsFor(nofile uint64) int {
	reserve := min(uint64(reservedFiles), nofile/2)
	return int(max(1, min(nofile-reserve, maxDefaultConns)))
}

// DefaultMaxConns is MaxConnsFor the process's open-file limit
// (RLIMIT_NOFILE), or 1024 where it cannot be read.
func DefaultMaxConns() int {
	n, ok := openFileLimit()
	if !ok {
		return 1024
	}
	return MaxConnsFor(n)
}
