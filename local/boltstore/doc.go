// Package boltstore implements events.EventStore, events.StateStore and
// events.DeadLetters in one embedded bbolt file, for running stepfold on a
// laptop in one process.
//
// The store knows no domain. Event data and snapshot states are the
// caller's JSON, kept byte for byte: the tasks fold the snapshots an
// append reaches and hand them over in the events.Batch, and Append writes
// each one atomically with the event that reaches it; Put stores the read
// model's state as it is given, with its version and LastOccurredAt.
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
// for each stream only a newer state; once a flush fails, every later Put,
// and Close, fails. All other writes are synchronous.
//
// Concurrent writes share one transaction (or one log write) and one
// fsync through a group commit: the first writer to arrive commits for
// everyone who queued while the previous commit ran, so a lone writer
// never waits for a fixed delay and many writers amortise the fsync. Each
// write in a group is checked and applied on its own inside the shared
// transaction: one that is rejected writes nothing and does not affect the
// others, and later writes in the group see earlier ones.
//
// # Layout
//
// The file holds six top-level buckets:
//
//	events     <stream> 0x00 <version>    one event, in the binary form of codec.go
//	snapshots  <stream> 0x00 <version>    the snapshot at that version, in the binary form of codec.go
//	commands   <stream> 0x00 <commandID>  first and last version it wrote (2×8 bytes), then the
//	                                      fingerprint of its request (none in older records)
//	state      <stream>                   the read model's snapshot, in the same form
//	dlq        <sequence>                 one JSON events.DeadLetter
//	meta       "closed-cleanly"           present after a clean Close (WithoutSync only)
//	meta       "log-applied"              the seq of the last log record the file holds
//
// The log's records and segments are described in wal.go.
//
// A stored snapshot is a format byte, its version, its LastOccurredAt and
// the state's bytes. Files and logs written before the store knew no
// domain hold the state's JSON instead, which carried its own "version"
// and "lastOccurredAt" members; they read as the same snapshot, with that
// JSON as the state, so an existing data directory keeps working.
//
// Versions and sequences are 8-byte big-endian integers, so a cursor visits
// them in numeric order. No stream id holds 0x00, so one stream's keys
// are contiguous and the streams sort in ascending byte order: Streams
// seeks from one stream's prefix to the next. The buckets are flat rather
// than nested per stream so that a group commit over many streams
// rewrites about one leaf page per stream and bucket.
//
// Errors are *events.Error: InvalidArgument or EventTooLarge for bad input,
// IdempotencyKeyReused for a command id already used for another request,
// VersionConflict when an append loses a race, NotFound for a read-model
// state or a dead letter that is not there, StoreUnavailable when the
// file is locked by another process, corrupt, closed or cannot be written,
// and Internal for a stored value that cannot be decoded.
package boltstore
