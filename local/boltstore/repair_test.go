package boltstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// manySegments acknowledges n appends, to each of streamIDs in turn, one
// segment each, and returns the crash copy, the appends and the segments.
func manySegments(t *testing.T, n int) (string, []acked, []string) {
	t.Helper()
	s := openLogged(t, filepath.Join(t.TempDir(), "stepfold.db"))
	smallSegments(t, s)
	var acks []acked
	for i := range n {
		acks = append(acks, appendOne(t, s, streamIDs[i%2], `{"n":5}`))
		acks[i].seq = uint64(i + 1)
	}
	path := crashCopy(t, s)
	firsts, err := listSegments(logDir(path))
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, f := range firsts {
		segs = append(segs, segmentPath(logDir(path), f))
	}
	return path, acks, segs
}

// TestRepairAcrossSegments damages the log where it spans segments: a
// record in a segment that is not the last, and a segment gone. Open
// refuses both; Repair drops the record, or the missing one, and the later
// records of its stream, and keeps the other stream's.
func TestRepairAcrossSegments(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, segs []string)
		text   string // what Open's refusal says
	}{
		{"record in an earlier segment", func(t *testing.T, segs []string) {
			b, err := os.ReadFile(segs[2])
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)-3] ^= 0xff
			if err := os.WriteFile(segs[2], b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is damaged at offset 0: "},
		{"segment gone", func(t *testing.T, segs []string) {
			if err := os.Remove(segs[2]); err != nil {
				t.Fatal(err)
			}
		}, "log records 3 to 3 are in no segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, acks, segs := manySegments(t, 8)
			tt.damage(t, segs)
			_, err := Open(path, Every(time.Hour))
			wantStoreError(t, "Open", err, tt.text)
			if c := (*CorruptLogError)(nil); !errors.As(err, &c) || c.After != 5 {
				t.Fatalf("Open: %v; want a *CorruptLogError with the 5 records after the damage", err)
			}
			r, err := Repair(path, false)
			if err != nil {
				t.Fatal(err)
			}
			var dropped []uint64
			for _, d := range r.Dropped {
				dropped = append(dropped, d.Seq)
			}
			if want := []uint64{3, 5, 7}; !slices.Equal(dropped, want) || r.Kept != 3 {
				t.Fatalf("Repair dropped %v and kept %d: %+v; want %v and 3", dropped, r.Kept, r, want)
			}
			s := openLogged(t, path)
			for _, a := range acks {
				if a.seq%2 == 1 && a.seq >= 3 {
					wantMissing(t, s, a)
				} else {
					wantAcked(t, s, a)
				}
			}
			appendEverywhere(t, s, acks, map[string]bool{acks[2].commandID: true, acks[4].commandID: true, acks[6].commandID: true})
		})
	}
}

// TestRepairOfSoundLog checks that Repair leaves a sound log, even one
// with records the file lacks, as it is: Open recovers it.
func TestRepairOfSoundLog(t *testing.T) {
	path, acks := acknowledge(t, 12, 6)
	seg, before, _ := segmentOf(t, path)
	for _, dry := range []bool{true, false} {
		r, err := Repair(path, dry)
		if err != nil || len(r.Damage) != 0 || len(r.Dropped) != 0 || r.Backup != "" {
			t.Fatalf("Repair (dry run %v) of a sound log: %+v, %v; want nothing found", dry, r, err)
		}
	}
	if after, _ := os.ReadFile(seg); !bytes.Equal(after, before) {
		t.Fatal("Repair changed a sound log")
	}
	s := openLogged(t, path)
	for _, a := range acks {
		wantAcked(t, s, a)
	}
}

// TestRepairNeedsTheFile checks that Repair refuses a store another Store
// holds, and a path with no store.
func TestRepairNeedsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stepfold.db")
	openLogged(t, path)
	_, err := Repair(path, true, WithLockTimeout(50*time.Millisecond))
	wantStoreError(t, "Repair of an open store", err, "locked by another process")
	_, err = Repair(filepath.Join(t.TempDir(), "none.db"), true)
	if !errors.Is(err, events.ErrStoreUnavailable) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Repair of no store: %v; want StoreUnavailable wrapping ErrNotExist", err)
	}
}
