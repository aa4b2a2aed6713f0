package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// These tests damage the log of a crashed store the ways a crash and a
// disk can, and hold what Open, then Repair, make of it against the list
// of appends the store acknowledged: each one survives, or Open refuses
// and Repair reports it among those it drops. None is lost silently, and
// no version of one is taken again unless Repair reported it.

// acked is an append the store acknowledged, and the log record holding it.
type acked struct {
	stream, commandID string
	seq               uint64
	events            []events.Event
}

// streamIDs are those the appends of acknowledge go to, in turn.
var streamIDs = []string{"s-1", "s-2", "s-3"}

// acknowledge appends n one-event commands to a fresh store, to each of
// streamIDs in turn, checkpointing after the first checkpointed of them (0
// for none), and returns a copy of the files as a crash leaves them, and
// the appends.
func acknowledge(t *testing.T, n, checkpointed int) (string, []acked) {
	t.Helper()
	s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
	var out []acked
	for i := range n {
		if i == checkpointed {
			checkpointNow(t, s)
		}
		out = append(out, appendOne(t, s, streamIDs[i%len(streamIDs)], `{"n":5}`))
		out[i].seq = uint64(i + 1)
	}
	return crashCopy(t, s), out
}

// appendOne appends one event carrying data to stream, as a new command.
func appendOne(t *testing.T, s *Store, stream, data string) acked {
	t.Helper()
	h, err := s.Load(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	v := h.Snapshot.Version + int64(len(h.Events)) + 1
	cmd := fmt.Sprintf("%s-c%d", stream, v)
	got, err := s.Append(context.Background(), newBatch(stream, v-1, 1, cmd, data))
	if err != nil {
		t.Fatalf("append %s to %s: %v", cmd, stream, err)
	}
	return acked{stream: stream, commandID: cmd, events: got.Events}
}

// segmentOf returns the path of the one segment of the store at path, its
// bytes and the offsets of its records.
func segmentOf(t *testing.T, path string) (string, []byte, []int) {
	t.Helper()
	firsts, err := listSegments(logDir(path))
	if err != nil || len(firsts) != 1 {
		t.Fatalf("segments %v, %v; want one", firsts, err)
	}
	seg := segmentPath(logDir(path), firsts[0])
	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int
	for off := 0; off+8 <= len(b); off += 8 + int(binary.LittleEndian.Uint32(b[off:])) {
		offs = append(offs, off)
	}
	return seg, b, offs
}

// syncedBuffer is a bytes.Buffer for a logger and a test.
type syncedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func logTo(w *syncedBuffer) Option { return WithLogger(slog.New(slog.NewTextHandler(w, nil))) }

// record returns the bounds of record i of a segment.
func record(b []byte, offs []int, i int) (start, end int) {
	return offs[i], offs[i] + 8 + int(binary.LittleEndian.Uint32(b[offs[i]:]))
}

// flipNearEnd flips a byte in the events of record i, past its ids.
func flipNearEnd(i int) func(b []byte, offs []int) []byte {
	return func(b []byte, offs []int) []byte {
		_, end := record(b, offs, i)
		b[end-3] ^= 0xff
		return b
	}
}

// tornRecord returns a record of an append that never returned, as its
// write would have put it after the last one.
func tornRecord(seq uint64, data int) []byte {
	e := &entry{seq: seq, stream: "s-1", commandID: "never-returned", first: 99,
		enc: [][]byte{append([]byte{formatV1}, bytes.Repeat([]byte("x"), data)...)}}
	return appendRecord(nil, e)
}

// damageCase is one way to damage the log of 30 acknowledged appends.
type damageCase struct {
	name         string
	checkpointed int // how many appends the file holds; the rest only the log
	damage       func(b []byte, offs []int) []byte
	refuse       int    // the record whose offset Open's refusal names, or -1 if it opens
	after        int    // how many records Open says follow the damage
	warn         string // what Open logs when it opens
	// cutsLast says that Open cuts the last record, though it was
	// acknowledged: a cut looks the same whether a crash tore the write or
	// the disk lost the end of a synced one. Open's warning names it.
	cutsLast bool
}

func damageCases() []damageCase {
	const n = 30
	cases := []damageCase{
		{name: "flip in the first record", damage: flipNearEnd(0), refuse: 0, after: n - 1},
		{name: "flip in a middle record", damage: flipNearEnd(15), refuse: 15, after: n - 16},
		{name: "flip in the last complete record", damage: flipNearEnd(n - 1), refuse: n - 1, after: 0},
		{name: "flip in the length of a middle record", damage: func(b []byte, offs []int) []byte {
			b[offs[15]+1] ^= 0x01 // 256 bytes longer: it runs into the next records
			return b
		}, refuse: 15, after: n - 16},
		{name: "flip in the length of the last record", damage: func(b []byte, offs []int) []byte {
			b[offs[n-1]+1] ^= 0x01 // it seems to run past the end, like a cut one
			return b
		}, refuse: n - 1, after: 0},
		{name: "flip in the checksum of the last record", damage: func(b []byte, offs []int) []byte {
			b[offs[n-1]+5] ^= 0x10
			return b
		}, refuse: n - 1, after: 0},
		{name: "zeros over a middle record", damage: func(b []byte, offs []int) []byte {
			start, end := record(b, offs, 10)
			clear(b[start:end])
			return b
		}, refuse: 10, after: n - 11},
		{name: "flip in a checkpointed record", checkpointed: 20, damage: flipNearEnd(5), refuse: -1,
			warn: "all of them already in the store file"},
		{name: "flip in the last checkpointed record", checkpointed: 20, damage: flipNearEnd(19), refuse: -1,
			warn: "all of them already in the store file"},
		{name: "flip in the first record only the log holds", checkpointed: 20, damage: flipNearEnd(20), refuse: 20, after: n - 21},
		{name: "zeros after the last record", damage: func(b []byte, _ []int) []byte {
			return append(b, make([]byte, 4096)...)
		}, refuse: -1, warn: "cut the torn tail"},
		{name: "a torn record whose last sectors are zeros", damage: func(b []byte, _ []int) []byte {
			b = append(b, tornRecord(n+1, 2000)...)
			z := (len(b) - 1500 + sectorSize - 1) / sectorSize * sectorSize
			clear(b[z:])
			return b
		}, refuse: -1, warn: "cut the torn tail"},
		{name: "cut inside the last acknowledged record", damage: func(b []byte, offs []int) []byte {
			start, end := record(b, offs, n-1)
			return b[:start+(end-start)/2]
		}, refuse: -1, warn: "cut the torn tail", cutsLast: true},
	}
	torn := tornRecord(n+1, 40)
	for _, k := range []int{1, 4, 7, 8, 9, 12, len(torn) / 2, len(torn) - 1} {
		cases = append(cases, damageCase{name: fmt.Sprintf("torn write of %d bytes", k), damage: func(b []byte, _ []int) []byte {
			return append(b, torn[:k]...)
		}, refuse: -1, warn: "cut the torn tail"})
	}
	return cases
}

func TestLogDamageLosesNothingSilently(t *testing.T) {
	for _, tt := range damageCases() {
		t.Run(tt.name, func(t *testing.T) {
			path, acks := acknowledge(t, 30, tt.checkpointed)
			seg, b, offs := segmentOf(t, path)
			if len(offs) != len(acks) {
				t.Fatalf("%d records in the segment; want %d", len(offs), len(acks))
			}
			damaged := tt.damage(slices.Clone(b), offs)
			if err := os.WriteFile(seg, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			logged := &syncedBuffer{}
			s, err := Open(path, Every(time.Hour), logTo(logged))
			if tt.refuse < 0 {
				if err != nil {
					t.Fatalf("Open: %v; want it to open", err)
				}
				defer s.Close()
				checkOpened(t, s, tt, acks, seg, logged.String(), len(b))
				return
			}
			wantRefusal(t, err, seg, int64(offs[tt.refuse]), tt.after)
			if got, _ := os.ReadFile(seg); !bytes.Equal(got, damaged) {
				t.Fatal("a refused Open changed the segment")
			}
			checkRepair(t, path, seg, damaged, acks, tt.refuse)
		})
	}
}

// wantRefusal checks Open's error: StoreUnavailable, with a
// *CorruptLogError that names the segment, the offset and the records
// after the damage.
func wantRefusal(t *testing.T, err error, seg string, offset int64, after int) {
	t.Helper()
	var c *CorruptLogError
	if !errors.Is(err, events.ErrStoreUnavailable) || !errors.As(err, &c) {
		t.Fatalf("Open: %v; want StoreUnavailable with a *CorruptLogError", err)
	}
	if c.Segment != seg || c.Offset != offset || c.After != after {
		t.Fatalf("refusal names %s at %d with %d records after; want %s at %d with %d", c.Segment, c.Offset, c.After, seg, offset, after)
	}
	for _, s := range []string{seg, fmt.Sprintf("offset %d", offset), fmt.Sprintf("%d records after", after)} {
		if !strings.Contains(err.Error(), s) {
			t.Fatalf("Open: %q does not say %q", err, s)
		}
	}
}

// checkOpened checks a store Open recovered: every acknowledged append is
// there as it was, but the one the case says a cut lost, which the warning
// names; and the next appends take new versions.
func checkOpened(t *testing.T, s *Store, tt damageCase, acks []acked, seg, logged string, size int) {
	t.Helper()
	if !strings.Contains(logged, tt.warn) || !strings.Contains(logged, "file="+seg) {
		t.Fatalf("Open logged %q; want %q naming %s", logged, tt.warn, seg)
	}
	if strings.Contains(tt.warn, "torn") && !tt.cutsLast && !strings.Contains(logged, fmt.Sprintf("offset=%d", size)) {
		t.Fatalf("Open logged %q; want the cut at offset %d, the end of the last acknowledged record", logged, size)
	}
	named := map[string]bool{}
	for i, a := range acks {
		if tt.cutsLast && i == len(acks)-1 {
			wantMissing(t, s, a)
			if !strings.Contains(logged, "commandId="+a.commandID) || !strings.Contains(logged, "stream="+a.stream) {
				t.Fatalf("Open cut the acknowledged %s without naming it: %q", a.commandID, logged)
			}
			named[a.commandID] = true
			continue
		}
		wantAcked(t, s, a)
	}
	if got, err := s.Command(context.Background(), "s-1", "never-returned", ""); err != nil || got != nil {
		t.Fatalf("the torn append is there: %v, %v", got, err)
	}
	appendEverywhere(t, s, acks, named)
}

// wantAcked checks that a's events are in s as the append returned them.
func wantAcked(t *testing.T, s *Store, a acked) {
	t.Helper()
	got, err := s.Command(context.Background(), a.stream, a.commandID, "")
	if err != nil || len(got) != len(a.events) {
		t.Fatalf("acknowledged %s of %s: %v, %v; want %d events", a.commandID, a.stream, got, err, len(a.events))
	}
	for i, e := range got {
		w := a.events[i]
		if e.ID != w.ID || string(e.Data) != string(w.Data) || !e.RecordedAt.Equal(w.RecordedAt) || e.Type != w.Type {
			t.Fatalf("acknowledged %s reads %+v; want %+v", a.commandID, e, w)
		}
	}
}

func wantMissing(t *testing.T, s *Store, a acked) {
	t.Helper()
	if got, err := s.Command(context.Background(), a.stream, a.commandID, ""); err != nil || got != nil {
		t.Fatalf("%s of %s: %v, %v; want it gone", a.commandID, a.stream, got, err)
	}
}

// appendEverywhere appends one more command to every stream and checks
// that it takes a version no acknowledged append holds, unless dropped
// lists that append.
func appendEverywhere(t *testing.T, s *Store, acks []acked, dropped map[string]bool) {
	t.Helper()
	taken := map[string]string{}
	for _, a := range acks {
		for _, e := range a.events {
			taken[e.ID] = a.commandID
		}
	}
	for _, stream := range streamIDs {
		a := appendOne(t, s, stream, `{"n":777}`)
		id := a.events[0].ID
		if cmd, ok := taken[id]; ok && !dropped[cmd] {
			t.Fatalf("new append %s took %s, the version of acknowledged %s, which nothing reported dropped", a.commandID, id, cmd)
		}
		if evs, err := s.Read(context.Background(), stream, 1, 1000); err != nil || int64(len(evs)) != evs[len(evs)-1].Version {
			t.Fatalf("%s reads %d events ending at %v (%v); want versions 1 on, without a gap", stream, len(evs), evs, err)
		}
	}
}

// checkRepair runs Repair on a log Open refused for damage in record k: a
// dry run changes nothing; a repair drops record k and the later records
// of its stream, reports them, keeps every other acknowledged append,
// moves the segment aside as it was, and lets Open open the store.
func checkRepair(t *testing.T, path, seg string, damaged []byte, acks []acked, k int) {
	t.Helper()
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dry, err := Repair(path, true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if got, _ := os.ReadFile(seg); !bytes.Equal(got, damaged) || dry.Backup != "" {
		t.Fatalf("a dry run changed the segment, or moved it to %q", dry.Backup)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, file) {
		t.Fatal("a dry run changed the store file")
	}
	if _, err := Open(path, Every(time.Hour)); !errors.Is(err, events.ErrStoreUnavailable) {
		t.Fatalf("Open after a dry run: %v; want the refusal still", err)
	}
	r, err := Repair(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(r.Dropped, dry.Dropped, func(a, b Dropped) bool { return a == b }) || len(r.Damage) == 0 {
		t.Fatalf("Repair dropped %+v; its dry run said %+v", r.Dropped, dry.Dropped)
	}
	if moved, err := os.ReadFile(filepath.Join(r.Backup, filepath.Base(seg))); err != nil || !bytes.Equal(moved, damaged) {
		t.Fatalf("the segment moved to %s: %v; want it there as it was", r.Backup, err)
	}
	var want, got []uint64
	for i := k; i < len(acks); i++ {
		if i == k || acks[i].stream == acks[k].stream {
			want = append(want, acks[i].seq)
		}
	}
	for _, d := range r.Dropped {
		got = append(got, d.Seq)
	}
	if !slices.Equal(got, want) || r.Kept != len(acks)-k-len(want) {
		t.Fatalf("Repair dropped records %v and kept %d after the damage; want %v and %d", got, r.Kept, want, len(acks)-k-len(want))
	}
	s := openLogged(t, path)
	dropped := checkDropped(t, s, acks, r)
	appendEverywhere(t, s, acks, dropped)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if again, err := Repair(path, false); err != nil || len(again.Damage) != 0 {
		t.Fatalf("Repair of the repaired store: %+v, %v; want a sound log", again, err)
	}
}

// checkDropped checks the report against the acknowledged appends: one
// reported dropped is gone, and was reported with its stream, command
// and versions (from its record, or read from the damage); any other is
// there as it was. It returns the command ids reported.
func checkDropped(t *testing.T, s *Store, acks []acked, r *RepairReport) map[string]bool {
	t.Helper()
	bySeq := map[uint64]Dropped{}
	for _, d := range r.Dropped {
		bySeq[d.Seq] = d
	}
	out := map[string]bool{}
	for _, a := range acks {
		d, ok := bySeq[a.seq]
		if !ok {
			wantAcked(t, s, a)
			continue
		}
		wantMissing(t, s, a)
		first, last := a.events[0].Version, a.events[len(a.events)-1].Version
		switch {
		case d.Stream == "" && !d.Verified:
			// Nothing of the record reads back; the next record of its
			// stream, dropped too, says which versions went with it.
			if !slices.ContainsFunc(r.Dropped, func(d Dropped) bool {
				return d.Verified && strings.Contains(d.Reason, fmt.Sprintf("versions %d to %d of %s", first, last, a.stream))
			}) {
				t.Fatalf("Repair dropped unreadable record %d, and no later record of %s says it lost versions %d to %d: %+v", a.seq, a.stream, first, last, r.Dropped)
			}
		case d.Stream != a.stream || d.CommandID != a.commandID || d.First != first || d.Last != last:
			t.Fatalf("Repair reported record %d as %+v; it held %s of %s, version %d", a.seq, d, a.commandID, a.stream, first)
		}
		out[a.commandID] = true
		delete(bySeq, a.seq)
	}
	if len(bySeq) > 0 {
		t.Fatalf("Repair reported %+v, which no append made", bySeq)
	}
	if len(out) == 0 {
		t.Fatal("Repair dropped nothing from a log Open refused")
	}
	return out
}

// BenchmarkScanDamagedSegment reads a full segment (8 MiB of one-event
// records): a sound one, and ones whose damage Open must look past: a
// flipped byte near the start, and random bytes over half of it, in which
// every offset is tried.
func BenchmarkScanDamagedSegment(b *testing.B) {
	var seg []byte
	for seq := uint64(1); len(seg) < segmentSize; seq++ {
		enc := append([]byte{formatV1}, fmt.Sprintf(`{"amount":%d,"reference":"benchmark"}`, seq)...)
		seg = appendRecord(seg, &entry{seq: seq, stream: fmt.Sprintf("s-%d", seq%64), commandID: fmt.Sprintf("cmd-%d", seq),
			first: int64(seq), enc: [][]byte{enc}})
	}
	noise := make([]byte, len(seg)/2)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	for _, bc := range []struct {
		name      string
		damage    func(b []byte)
		stretches int
	}{
		{"sound", func(b []byte) {}, 0},
		{"flip near the start", func(b []byte) { b[100] ^= 0xff }, 1},
		{"noise over half", func(b []byte) { copy(b[len(b)/4:], noise) }, 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), fmt.Sprintf("%016x.log", 1))
			d := slices.Clone(seg)
			bc.damage(d)
			if err := os.WriteFile(path, d, 0o600); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(d)))
			for b.Loop() {
				s, err := readSegment(path, 1)
				if err != nil || len(s.damage) != bc.stretches {
					b.Fatalf("%v, %d damaged stretches", err, len(s.damage))
				}
			}
		})
	}
}
