package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/stepfold/stepfold/events"
)

// The write-ahead log of a synced store. A group commit of appends writes
// one record per append to the current segment and syncs it once: a
// sequential write and one fsync, where a bbolt commit rewrites a leaf per
// stream and bucket and syncs twice. A checkpoint later writes the logged
// entries into the bbolt file, with the last seq it holds, and removes the
// segments it no longer needs. Open applies what the file lacks.
//
// A segment is named after the seq of its first record, in 16 hex digits.
// A record is a 4-byte little-endian length, the CRC-32C of the payload,
// and the payload:
//
//	uvarint seq, stream, command id, varint first version,
//	uvarint count, each event's stored form,
//	uvarint count, each snapshot's varint version and stored form,
//	the command's fingerprint, if it has one
//
// with strings and byte strings prefixed by their uvarint length. The
// stored forms of events and snapshots are those of codec.go, as the file
// holds them. A record written before fingerprints existed ends after the
// snapshots; one written before stores knew no domain holds the JSON of
// the state as a snapshot's stored form, which still reads. The seq
// comes first: the search past damage checks it before the checksum. How
// Open reads the segments back, and tells a torn tail from corruption, is
// in scan.go.
//
// The log's directory is synced whenever an entry in it changes: when it
// is created (and its parent, which holds its name), and when a segment is
// created or removed, so that after a crash the directory lists what the
// log last relied on.

// segmentSize is the size past which the log moves on to a new segment.
const segmentSize = 8 << 20

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// wal is the log's files. The running group commit writes; checkpoints
// remove segments.
type wal struct {
	dir   string
	limit int64                  // the segment size past which it moves on
	sync  func(dir string) error // syncs a directory: syncDir, or a test's

	mu       sync.Mutex // guards segments
	segments []uint64   // first seqs, ascending; the last is being written

	f    *os.File // the segment being written; only the group commit uses it
	size int64
	buf  []byte
	err  error // once a write or sync fails, every later write fails
}

// segmentPath returns the file of the segment in dir that starts at first.
func segmentPath(dir string, first uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%016x.log", first))
}

// write appends es to the log and syncs it.
func (w *wal) write(es []*entry) error {
	if w.err != nil {
		return w.err
	}
	w.buf = w.buf[:0]
	for _, e := range es {
		w.buf = appendRecord(w.buf, e)
	}
	if _, err := w.f.Write(w.buf); err != nil {
		return w.fail(err)
	}
	if err := w.f.Sync(); err != nil {
		return w.fail(err)
	}
	w.size += int64(len(w.buf))
	if w.size >= w.limit {
		_ = w.rotate(es[len(es)-1].seq + 1) // on failure the current segment goes on
	}
	return nil
}

// fail keeps err for every later write: after a failed write or sync the
// segment's contents are unknown, and only Open can tell what it holds.
func (w *wal) fail(err error) error {
	w.err = events.Wrap(events.CodeStoreUnavailable, err,
		"cannot write the event log in "+w.dir+"; later appends fail until the store is opened again")
	return w.err
}

// rotate starts the segment whose first record will be seq next.
func (w *wal) rotate(next uint64) error {
	f, err := os.OpenFile(segmentPath(w.dir, next), os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := w.sync(w.dir); err != nil {
		_ = f.Close()
		_ = os.Remove(segmentPath(w.dir, next))
		return err
	}
	if w.f != nil {
		_ = w.f.Close()
	}
	w.f, w.size = f, 0
	w.mu.Lock()
	w.segments = append(w.segments, next)
	w.mu.Unlock()
	return nil
}

// removeThrough removes the segments whose records all have a seq of at
// most seq. The segment being written stays.
func (w *wal) removeThrough(seq uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for n+1 < len(w.segments) && w.segments[n+1] <= seq+1 {
		if os.Remove(segmentPath(w.dir, w.segments[n])) != nil {
			break
		}
		n++
	}
	w.segments = slices.Delete(w.segments, 0, n)
	if n > 0 {
		_ = w.sync(w.dir) // a segment that comes back holds only checkpointed records
	}
}

// close closes the segment being written and, when every record is
// checkpointed, removes it.
func (w *wal) close(checkpointed bool) error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if checkpointed && err == nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		err = removeSegments(w.dir, w.sync) // Open removed any other process's
		w.segments = nil
	}
	return err
}

// syncDir makes the entries of dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// makeDir creates the directory dir, if it is missing, and syncs it and
// its parent, so that a crash cannot lose the directory with the segments
// in it.
func makeDir(dir string, sync func(string) error) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	return errors.Join(sync(dir), sync(filepath.Dir(dir)))
}

// appendRecord appends e's record to b.
func appendRecord(b []byte, e *entry) []byte {
	start := len(b)
	b = append(b, make([]byte, 8)...)
	b = binary.AppendUvarint(b, e.seq)
	b = appendString(b, e.stream)
	b = appendString(b, e.commandID)
	b = binary.AppendVarint(b, e.first)
	b = binary.AppendUvarint(b, uint64(len(e.enc)))
	for _, v := range e.enc {
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(e.snaps)))
	for _, sn := range e.snaps {
		b = binary.AppendVarint(b, sn.version)
		b = appendString(b, sn.value)
	}
	if e.fingerprint != "" {
		b = appendString(b, string(e.fingerprint))
	}
	payload := b[start+8:]
	binary.LittleEndian.PutUint32(b[start:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(payload, crcTable))
	return b
}

// readRecord decodes the record at the start of b and returns it with its
// size, or false when there is no whole record there whose checksum holds
// and whose payload decodes.
func readRecord(b []byte) (*entry, int, bool) {
	if len(b) < 8 {
		return nil, 0, false
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n > len(b)-8 || crc32.Checksum(b[8:8+n], crcTable) != binary.LittleEndian.Uint32(b[4:]) {
		return nil, 0, false
	}
	e, ok := parseRecord(b[8 : 8+n])
	return e, 8 + n, ok
}

// parseRecord decodes a record's payload.
func parseRecord(payload []byte) (*entry, bool) {
	d := decoder{b: payload, ok: true}
	e := &entry{durable: true}
	e.seq = d.uvarint()
	e.stream, e.commandID = d.string(), d.string()
	e.first = d.varint()
	e.enc = make([][]byte, d.count())
	for i := range e.enc {
		e.enc[i] = d.bytes()
	}
	e.snaps = make([]storedSnapshot, d.count())
	for i := range e.snaps {
		e.snaps[i].version = d.varint()
		e.snaps[i].value = d.bytes()
	}
	if d.ok && len(d.b) > 0 {
		e.fingerprint = events.Fingerprint(d.string())
	}
	if !d.ok || len(d.b) != 0 || len(e.enc) == 0 {
		return nil, false
	}
	return e, true
}

// listSegments returns the first seqs of the segments in dir, ascending.
func listSegments(dir string) ([]uint64, error) {
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, d := range names {
		hex, ok := strings.CutSuffix(d.Name(), ".log")
		if !ok {
			continue
		}
		first, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not a log segment", filepath.Join(dir, d.Name()))
		}
		out = append(out, first)
	}
	slices.Sort(out)
	return out, nil
}

// removeSegments removes every segment in dir, then syncs dir.
func removeSegments(dir string, sync func(string) error) error {
	firsts, err := listSegments(dir)
	if err != nil || len(firsts) == 0 {
		return err
	}
	for _, first := range firsts {
		if err := os.Remove(segmentPath(dir, first)); err != nil {
			return err
		}
	}
	return sync(dir)
}
