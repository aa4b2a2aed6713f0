package boltstore

import (
	"encoding/binary"
	"testing"
	"time"
)

// TestAppendTime checks the stored form of times against the uvarint
// length and time.Time's own binary form, for zones of every kind.
func TestAppendTime(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 123456789, time.UTC)
	for _, tm := range []time.Time{{}, at, at.In(time.FixedZone("CET", 3600)), at.In(time.FixedZone("odd", 3661)), time.Now()} {
		got, err := appendTime([]byte{7}, tm)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := tm.MarshalBinary()
		want = append(binary.AppendUvarint([]byte{7}, uint64(len(want))), want...)
		if string(got) != string(want) {
			t.Fatalf("appendTime(%v) = %x; want %x", tm, got, want)
		}
		d := decoder{b: got[1:], ok: true}
		if back := d.time(); !d.ok || !back.Equal(tm) || len(d.b) != 0 {
			t.Fatalf("%v reads back as %v (ok %v, %d bytes left)", tm, back, d.ok, len(d.b))
		}
	}
}
