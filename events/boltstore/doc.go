// Package boltstore implements events.EventStore, events.StateStore and
// events.DeadLetters in one embedded bbolt file, for running stepfold on a
// laptop in one process.
//
// On a synced store (the default) an Append is durable once it is in the
// write-ahead log, a directory of segment files next to the bbolt file
// (<file>-log/): a group commit of appends checks each one against the
// file and the log, writes one record per append, and syncs once, one
// sequential write where a bbolt commit rewrites scattered pages and syncs
// twice. Reads see the logged appends at once. A checkpoint goroutine
// writes them into the file within a second, or as soon as 16384 are
// waiting, then removes the segments it no longer needs; rare, large
// checkpoints keep the file's two syncs out of the way of the log's. Open
// writes into the file what the log holds beyond it, so a crash loses no
// append that returned. It cuts off a torn tail, the unfinished last write
// of a crash, and logs it (WithLogger); any other record that does not
// read back makes it refuse with a *CorruptLogError, and Repair, run by a
// person, drops what it must and reports each append it drops (scan.go).
// A failed log write fails every later append until the store is opened
// again, since only a fresh read of the log can tell what it holds. Other
// writes (dead letters, Put) are synced bbolt commits.
//
// Nothing is synced when the store is opened WithoutSync, which is meant
// for a read model that can be folded again from the event log; it has no
// write-ahead log, only Close syncs, and Open discards a file that was not
// closed cleanly. WithoutSync also makes Put write-behind (behind.go):
// states wait in memory, where Get reads them first, and a flusher
// goroutine writes them in one transaction every few milliseconds, keeping
// in each account only a newer state; once a flush fails, every later Put,
// and Close, fails. All other writes are synchronous.
//
// Concurrent writes share one transaction (or one log write) and one
// fsync through a group commit: the first writer to arrive commits for
// everyone who queued while the previous commit ran, so a lone writer never waits for a fixed delay
// and many writers amortise the fsync. Each write in a group is checked
// and applied on its own inside the shared transaction: one that is
// rejected writes nothing and does not affect the others, and later writes
// in the group see earlier ones.
//
// # Layout
//
// The file holds six top-level buckets:
//
//	events     <account> 0x00 <version>    one event, in the binary form of codec.go
//	snapshots  <account> 0x00 <version>    the JSON events.State at that version
//	commands   <account> 0x00 <commandID>  first and last version it wrote (2×8 bytes), then the
//	                                       fingerprint of its request (none in older records)
//	state      <account>                   the JSON events.State of the read model
//	dlq        <sequence>                  one JSON events.DeadLetter
//	meta       "closed-cleanly"            present after a clean Close (WithoutSync only)
//	meta       "log-applied"               the seq of the last log record the file holds
//
// The log's records and segments are described in wal.go.
//
// Versions and sequences are 8-byte big-endian integers, so a cursor visits
// them in numeric order. No account id holds 0x00, so one account's keys
// are contiguous and the accounts sort in ascending byte order: Accounts
// seeks from one account's prefix to the next. The buckets are flat rather
// than nested per account so that a group commit over many accounts
// rewrites about one leaf page per account and bucket.
//
// Errors are *events.Error: InvalidArgument or EventTooLarge for bad input,
// VersionConflict when an append loses a race, StoreUnavailable when the
// file is locked by another process, corrupt, closed or cannot be written,
// and Internal for a stored value that cannot be decoded.
package boltstore
