package eventbus

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"time"
)

// The records of the queue's log. A record is framed as the payload's
// length (4 bytes, little-endian), its CRC-32C (4 bytes, little-endian) and
// the payload, whose first byte is its kind:
//
//	'Q' queued: uvarint seq, varint queued time (Unix ns), event id,
//	    uvarint route count, each route's rule and target, event JSON
//	'D' done:   target, uvarint seq
//
// Strings and byte strings are prefixed with their uvarint length. A queued
// record holds one published event and the rules (with their targets) it
// matched; a done record says a target has finished with every queued
// record up to seq, delivered or dead-lettered.
const (
	kindQueued  = 'Q'
	kindDone    = 'D'
	frameHeader = 8
	// maxPayload bounds a record: an event is at most 256 KiB.
	maxPayload = 4 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Errors of the framing.
var (
	// errIncomplete: the bytes end inside a record.
	errIncomplete = errors.New("the record is cut short")
	// errBadRecord: the length is impossible or the checksum does not match.
	errBadRecord = errors.New("the record's length or checksum is wrong")
)

// route is one rule an event matched, and that rule's target.
type route struct{ rule, target string }

// entry is one published event in the queue.
type entry struct {
	seq    uint64
	queued time.Time
	id     string
	routes []route
	event  []byte
}

// appendQueued appends e's record to b.
func appendQueued(b []byte, e *entry) []byte {
	b, start := beginFrame(b, kindQueued)
	b = binary.AppendUvarint(b, e.seq)
	b = binary.AppendVarint(b, e.queued.UnixNano())
	b = appendString(b, e.id)
	b = binary.AppendUvarint(b, uint64(len(e.routes)))
	for _, r := range e.routes {
		b = appendString(b, r.rule)
		b = appendString(b, r.target)
	}
	b = appendString(b, e.event)
	return endFrame(b, start)
}

// appendDone appends the record that target is done up to seq.
func appendDone(b []byte, target string, seq uint64) []byte {
	b, start := beginFrame(b, kindDone)
	b = appendString(b, target)
	b = binary.AppendUvarint(b, seq)
	return endFrame(b, start)
}

func beginFrame(b []byte, kind byte) ([]byte, int) {
	start := len(b)
	b = append(b, make([]byte, frameHeader)...)
	return append(b, kind), start
}

func endFrame(b []byte, start int) []byte {
	p := b[start+frameHeader:]
	binary.LittleEndian.PutUint32(b[start:], uint32(len(p)))
	binary.LittleEndian.PutUint32(b[start+4:], crc32.Checksum(p, castagnoli))
	return b
}

func appendString[T string | []byte](b []byte, s T) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// nextFrame returns the payload of the record at the start of b and the
// record's length.
func nextFrame(b []byte) ([]byte, int, error) {
	if len(b) < frameHeader {
		return nil, 0, errIncomplete
	}
	n := binary.LittleEndian.Uint32(b)
	if n == 0 || n > maxPayload {
		return nil, 0, errBadRecord
	}
	if len(b) < frameHeader+int(n) {
		return nil, 0, errIncomplete
	}
	p := b[frameHeader : frameHeader+int(n)]
	if crc32.Checksum(p, castagnoli) != binary.LittleEndian.Uint32(b[4:]) {
		return nil, 0, errBadRecord
	}
	return p, frameHeader + int(n), nil
}

// decoder reads the fields of one payload; the first failure sticks.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 { return number(d, binary.Uvarint) }

func (d *decoder) varint() int64 { return number(d, binary.Varint) }

// number reads one varint with read.
func number[T uint64 | int64](d *decoder, read func([]byte) (T, int)) T {
	v, n := read(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

// decodeQueued decodes the payload of a queued record, as recovery reads it.
// The event aliases p.
func decodeQueued(p []byte) (entry, bool) {
	d := decoder{b: p[1:]}
	e := entry{seq: d.uvarint(), queued: time.Unix(0, d.varint()), id: d.string()}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return entry{}, false
	}
	e.routes = make([]route, n)
	for i := range e.routes {
		e.routes[i] = route{rule: d.string(), target: d.string()}
	}
	e.event = d.bytes()
	return e, !d.bad && len(d.b) == 0 && p[0] == kindQueued
}

// appendDeliveries appends to ds the deliveries to target that the queued
// record p holds, if its seq is above after. It allocates only for those,
// and copies their event out of p.
func appendDeliveries(ds []delivery, p []byte, target string, after uint64) ([]delivery, bool) {
	d := decoder{b: p[1:]}
	seq, queued, id := d.uvarint(), d.varint(), d.bytes()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return ds, false
	}
	start := len(ds)
	for range n {
		rule, to := d.bytes(), d.bytes()
		if string(to) == target && seq > after {
			ds = append(ds, delivery{seq: seq, rule: string(rule), queued: time.Unix(0, queued)})
		}
	}
	event := d.bytes()
	if d.bad || len(d.b) != 0 || p[0] != kindQueued {
		return ds[:start], false
	}
	if len(ds) > start {
		idStr, ev := string(id), slices.Clone(event)
		for i := start; i < len(ds); i++ {
			ds[i].id, ds[i].event = idStr, ev
		}
	}
	return ds, true
}

// decodeDone decodes the payload of a done record.
func decodeDone(p []byte) (target string, seq uint64, ok bool) {
	d := decoder{b: p[1:]}
	target, seq = d.string(), d.uvarint()
	return target, seq, !d.bad && len(d.b) == 0 && p[0] == kindDone
}
