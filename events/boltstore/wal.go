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
// account and bucket and syncs twice. A checkpoint later writes the logged
// entries into the bbolt file, with the last seq it holds, and removes the
// segments it no longer needs. Open applies what the file lacks.
//
// A segment is named after the seq of its first record, in 16 hex digits.
// A record is a 4-byte little-endian length, the CRC-32C of the payload,
// and the payload:
//
//	uvarint seq, account, command id, varint first version,
//	uvarint count, each event's stored form,
//	uvarint count, each snapshot's varint version and JSON,
//	the command's fingerprint, if it has one
//
// with strings and byte strings prefixed by their uvarint length. A record
// written before fingerprints existed ends after the snapshots.

// segmentSize is the size past which the log moves on to a new segment.
const segmentSize = 8 << 20

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// wal is the log's files. The running group commit writes; checkpoints
// remove segments.
type wal struct {
	dir   string
	limit int64 // the segment size past which it moves on

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
	if err := syncDir(w.dir); err != nil {
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
		err = removeSegments(w.dir) // Open removed any other process's
		w.segments = nil
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// appendRecord appends e's record to b.
func appendRecord(b []byte, e *entry) []byte {
	start := len(b)
	b = append(b, make([]byte, 8)...)
	b = binary.AppendUvarint(b, e.seq)
	b = appendString(b, e.account)
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

// errTorn marks the end of the readable records of a segment.
var errTorn = errors.New("torn or corrupt record")

// readRecord decodes the record at the start of b and returns it with its
// size, or errTorn.
func readRecord(b []byte) (*entry, int, error) {
	if len(b) < 8 {
		return nil, 0, errTorn
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n > len(b)-8 || crc32.Checksum(b[8:8+n], crcTable) != binary.LittleEndian.Uint32(b[4:]) {
		return nil, 0, errTorn
	}
	d := decoder{b: b[8 : 8+n], ok: true}
	e := &entry{durable: true}
	e.seq = d.uvarint()
	e.account, e.commandID = d.string(), d.string()
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
		return nil, 0, errTorn
	}
	return e, 8 + n, nil
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

// readSegment returns the records of a segment. A torn record ends the
// last segment, whose write a crash interrupted, and is cut off; in any
// other segment it is corruption.
func readSegment(path string, last bool) ([]*entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*entry
	for off := 0; off < len(b); {
		e, n, err := readRecord(b[off:])
		if err == nil {
			out, off = append(out, e), off+n
			continue
		}
		if !last {
			return nil, fmt.Errorf("log segment %s: %w at offset %d", path, err, off)
		}
		return out, truncate(path, int64(off))
	}
	return out, nil
}

func truncate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// readLog returns the records of every segment in dir with a seq above
// applied, in order, or an error if one is missing.
func readLog(dir string, applied uint64) ([]*entry, error) {
	firsts, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	var out []*entry
	next := applied + 1
	for i, first := range firsts {
		es, err := readSegment(segmentPath(dir, first), i == len(firsts)-1)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			switch {
			case e.seq > next:
				return nil, fmt.Errorf("log in %s: record %d is missing; the next one is %d", dir, next, e.seq)
			case e.seq == next:
				out, next = append(out, e), next+1
			}
		}
	}
	return out, nil
}

// removeSegments removes every segment in dir.
func removeSegments(dir string) error {
	firsts, err := listSegments(dir)
	if err != nil {
		return err
	}
	for _, first := range firsts {
		if err := os.Remove(segmentPath(dir, first)); err != nil {
			return err
		}
	}
	return nil
}
