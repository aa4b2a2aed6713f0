package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/stepfold/stepfold/events"
)

// How Open reads the log back, and where it draws the line between a torn
// tail and corruption.
//
// A group commit writes its records with one write, then syncs, and its
// appends return only once the sync has. A crash therefore leaves at most
// one write unfinished, at the end of the last segment, and what it leaves
// there has one of two shapes: the file stops inside a record (the write
// was cut short), or it ends in zeros (the file grew, but some of its
// blocks never reached the disk). None of the appends in such a torn tail
// returned. Open cuts it off and logs a warning naming the file, the
// offset and the bytes cut.
//
// Any other record that does not read back is corruption: its bytes
// changed after they were synced. Open looks past it, byte by byte, for
// the next record that reads back (a whole frame whose checksum holds,
// whose payload decodes and whose seq comes later). When one does, or when
// the damaged record is whole in length (it was written in full, so it was
// synced, so its append returned), dropping it would drop appends that
// returned. Open then refuses with a *CorruptLogError and leaves the log
// as it is, and Repair, run by a person, drops what it must and says what.
// The one exception is damage followed by a record the file already holds
// (its seq is at most the file's applied seq plus one): the file then
// holds every record the damage can have held, nothing is lost, and Open
// goes on with a warning.
//
// A cut at the end of the last segment looks the same whether a crash tore
// the write or a disk lost the end of a synced one; only a crash does it
// without a fault of the disk, so Open counts it as torn. A record whose
// length field changed, so that it seems to run past the end, is told
// apart by its checksum, which still holds over the bytes that remain.

// sectorSize is the unit in which a disk writes.
const sectorSize = 512

// minZeros is the least run of zeros, from a sector boundary to the end of
// a segment, that counts as blocks that were never written. A record ends
// in at most one zero byte (an empty snapshot count).
const minZeros = 16

// minRecord is the size of the smallest record: an 8-byte frame and at
// least a seq, two ids, a version and an event.
const minRecord = 16

// segment is what reading one segment of the log found.
type segment struct {
	path    string
	first   uint64   // the seq of its first record, from its name
	records []*entry // the records that read back, in order
	damage  []damage // the stretches around them that do not, in order
}

// damage is a stretch of a segment in which no record reads back.
type damage struct {
	offset, size int64
	before       int    // how many of the segment's records lie before it
	torn         bool   // it runs to the end and has the shape of an unfinished write
	reading      *entry // what its first record says, read without its checksum; nil if nothing
}

// readSegment reads the segment at path, whose first record has seq first.
func readSegment(path string, first uint64) (*segment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &segment{path: path, first: first}
	r := recordReader{b: b, prev: first - 1, last: first + uint64(len(b)/minRecord)}
	for off := 0; off < len(b); {
		if e, n, ok := r.at(off); ok {
			s.records = append(s.records, e)
			r.prev, off = e.seq, off+n
			continue
		}
		end := r.resync(off)
		s.damage = append(s.damage, damage{offset: int64(off), size: int64(end - off), before: len(s.records),
			torn: end == len(b) && tornTail(b, off), reading: readDamaged(b[off:end])})
		off = end
	}
	return s, nil
}

// recordReader finds the records of one segment.
type recordReader struct {
	b    []byte
	prev uint64 // the seq of the last record read; the next must be later
	last uint64 // the highest seq a record of this segment can have
}

// at reads the record at off, if one that reads back starts there.
func (r *recordReader) at(off int) (*entry, int, bool) {
	b := r.b[off:]
	if len(b) < minRecord {
		return nil, 0, false
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n < minRecord-8 || n > len(b)-8 {
		return nil, 0, false
	}
	// The seq is checked before the checksum, which the search past damage
	// would otherwise compute at every offset.
	if seq, k := binary.Uvarint(b[8:]); k <= 0 || seq <= r.prev || seq > r.last {
		return nil, 0, false
	}
	e, size, ok := readRecord(b)
	return e, size, ok && e.seq > r.prev && e.seq <= r.last
}

// resync returns the offset of the first record after off that reads
// back, or the end of the segment.
func (r *recordReader) resync(off int) int {
	for i := off + 1; i+minRecord <= len(r.b); i++ {
		if _, _, ok := r.at(i); ok {
			return i
		}
	}
	return len(r.b)
}

// tornTail reports whether b[off:], the end of a segment in which no
// record reads back, has the shape of an unfinished write.
func tornTail(b []byte, off int) bool {
	zeros := len(b) // where the zeros at the end start
	for zeros > off && b[zeros-1] == 0 {
		zeros--
	}
	t := b[off:]
	switch {
	case zeros == off:
		return true // nothing of the write reached the disk
	case len(b)-zeros >= minZeros && zeros%sectorSize == 0:
		return true // its last sectors did not
	case len(t) < 8:
		return true // it stopped inside the frame
	}
	n := int(binary.LittleEndian.Uint32(t))
	return n > len(t)-8 && crc32.Checksum(t[8:], crcTable) != binary.LittleEndian.Uint32(t[4:])
}

// readDamaged reads what it can of the first record of t, a stretch that
// does not read back: the whole record, ignoring its checksum, or at
// least its seq, stream and command id. It returns nil when even those do
// not decode.
func readDamaged(t []byte) *entry {
	if len(t) <= 8 {
		return nil
	}
	p := t[8:]
	if n := int(binary.LittleEndian.Uint32(t)); n <= len(p) {
		p = p[:n]
	}
	if e, ok := parseRecord(p); ok && events.ValidID(e.stream) && events.ValidID(e.commandID) {
		return e
	}
	d := decoder{b: p, ok: true}
	e := &entry{seq: d.uvarint()}
	e.stream, e.commandID = d.string(), d.string()
	if !d.ok || !events.ValidID(e.stream) || !events.ValidID(e.commandID) {
		return nil
	}
	return e
}

// logScan is what reading every segment of a log found.
type logScan struct {
	dir      string
	segments []*segment
}

// scanLog reads every segment in dir.
func scanLog(dir string) (*logScan, error) {
	firsts, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	l := &logScan{dir: dir}
	for _, first := range firsts {
		s, err := readSegment(segmentPath(dir, first), first)
		if err != nil {
			return nil, err
		}
		l.segments = append(l.segments, s)
	}
	return l, nil
}

// problem is a damaged stretch placed in the whole log.
type problem struct {
	damage
	seg   *segment
	prev  uint64 // the seq of the record before it, or its segment's first minus one
	next  uint64 // the seq of the first record after it that reads back; 0 if none
	after int    // how many records after it read back
	last  bool   // no record follows it, and it is in the last segment
}

// seq is the seq of the first record the damage held.
func (p problem) seq() uint64 { return p.prev + 1 }

// read returns what the first damaged record says, read without its
// checksum, if it says it is that record.
func (p problem) read() *entry {
	if p.reading == nil || p.reading.seq != p.seq() {
		return nil
	}
	return p.reading
}

// kind says what a problem means for a file whose last record is applied.
type kind int

const (
	corruption   kind = iota // it may hold appends that returned and that only the log holds
	tornTailKind             // an unfinished write that no append returned from
	checkpointed             // the file holds every record it can have held
)

func (p problem) kind(applied uint64) kind {
	switch {
	case p.last && p.torn:
		return tornTailKind
	case p.next != 0 && p.next <= applied+1:
		return checkpointed
	}
	return corruption
}

// problems returns the damaged stretches of the log, in order.
func (l *logScan) problems() []problem {
	var out []problem
	for i, s := range l.segments {
		later, next := l.countFrom(i + 1)
		for _, d := range s.damage {
			p := problem{damage: d, seg: s, prev: s.first - 1, next: next, after: len(s.records) - d.before + later}
			if d.before > 0 {
				p.prev = s.records[d.before-1].seq
			}
			if d.before < len(s.records) {
				p.next = s.records[d.before].seq
			}
			p.last = i == len(l.segments)-1 && d.before == len(s.records)
			out = append(out, p)
		}
	}
	return out
}

// countFrom returns how many records the segments from i on hold, and
// the seq of the first of them (0 if none).
func (l *logScan) countFrom(i int) (int, uint64) {
	n, first := 0, uint64(0)
	for _, s := range l.segments[i:] {
		if first == 0 && len(s.records) > 0 {
			first = s.records[0].seq
		}
		n += len(s.records)
	}
	return n, first
}

// after returns the records with a seq above applied, in order, or a
// *CorruptLogError if some are in no segment.
func (l *logScan) after(applied uint64) ([]*entry, error) {
	var out []*entry
	next := applied + 1
	for i, s := range l.segments {
		for j, e := range s.records {
			switch {
			case e.seq > next:
				later, _ := l.countFrom(i + 1)
				return nil, &CorruptLogError{Segment: s.path, Seq: next, Missing: e.seq - next, After: len(s.records) - j + later}
			case e.seq == next:
				out, next = append(out, e), next+1
			}
		}
	}
	return out, nil
}

// CorruptLogError is the cause, inside a StoreUnavailable *events.Error,
// of Open's refusal to open a store whose write-ahead log is damaged where
// a crash cannot have damaged it, or lacks records: dropping what does not
// read back might drop appends that returned. Repair drops what it must
// and reports what.
type CorruptLogError struct {
	Segment string // the segment file
	Offset  int64  // where in it the damage starts
	Size    int64  // how many bytes from there do not read back
	Seq     uint64 // the seq of the first record the damage held
	Missing uint64 // for records in no segment, how many (Segment holds the next); otherwise 0
	After   int    // how many records after the damage read back
	More    int    // how many other damaged stretches the log has
}

func (e *CorruptLogError) Error() string {
	if e.Missing > 0 {
		return fmt.Sprintf("log records %d to %d are in no segment; %s holds the next, and %d records from there on read back",
			e.Seq, e.Seq+e.Missing-1, e.Segment, e.After)
	}
	s := fmt.Sprintf("log segment %s is damaged at offset %d: %d bytes do not read back, from record %d on, and %d records after them do",
		e.Segment, e.Offset, e.Size, e.Seq, e.After)
	if e.More > 0 {
		s += fmt.Sprintf("; %d more stretches are damaged", e.More)
	}
	return s
}

// errCorrupt returns the error for the problems of kind corruption, or nil.
func errCorrupt(ps []problem, applied uint64) error {
	var first *problem
	more := 0
	for i := range ps {
		switch {
		case ps[i].kind(applied) != corruption:
		case first == nil:
			first = &ps[i]
		default:
			more++
		}
	}
	if first == nil {
		return nil
	}
	return &CorruptLogError{Segment: first.seg.path, Offset: first.offset, Size: first.size,
		Seq: first.seq(), After: first.after, More: more}
}

// truncate cuts the file at path to size and syncs it.
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
