package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// badAppend is one invalid Append to s-1, which holds 2 events.
type badAppend struct {
	name string
	b    events.Batch
	want error
}

func badAppends() []badAppend {
	good := func(n int) events.Batch { return batch("s-1", 2, makeEvents("s-1", 2, n, "c-bad"), "c-bad") }
	edit := func(i int, f func(*events.Event)) events.Batch {
		b := good(3)
		f(&b.Events[i])
		return b
	}
	with := func(f func(*events.Batch)) events.Batch {
		b := good(8) // versions 3 to 10: one snapshot
		f(&b)
		return b
	}
	long := strings.Repeat("a", 65)
	huge := json.RawMessage(`"` + strings.Repeat("x", events.MaxEventSize) + `"`)
	invalid := events.ErrInvalidArgument
	return []badAppend{
		{"empty stream id", batch("", 2, makeEvents("", 2, 1, "c-bad"), "c-bad"), invalid},
		{"stream id with a colon", batch("s:1", 0, makeEvents("s:1", 0, 1, "c-bad"), "c-bad"), invalid},
		{"stream id too long", batch(long, 0, makeEvents(long, 0, 1, "c-bad"), "c-bad"), invalid},
		{"stream id ..", batch("..", 0, makeEvents("..", 0, 1, "c-bad"), "c-bad"), invalid},
		{"negative expected version", batch("s-1", -1, makeEvents("s-1", -1, 1, "c-bad"), "c-bad"), invalid},
		{"no events", batch("s-1", 2, nil, "c-bad"), invalid},
		{"empty command id", batch("s-1", 2, makeEvents("s-1", 2, 1, ""), ""), invalid},
		{"event version skips one", batch("s-1", 2, makeEvents("s-1", 3, 1, "c-bad"), "c-bad"), invalid},
		{"second event repeats a version", edit(1, func(e *events.Event) { e.Version, e.ID = 3, events.EventID("s-1", 3) }), invalid},
		{"event id not stream:version", edit(0, func(e *events.Event) { e.ID = "s-1-3" }), invalid},
		{"event of another stream", edit(2, func(e *events.Event) { e.Stream = "s-2" }), invalid},
		{"event carries another command id", edit(1, func(e *events.Event) { e.CommandID = "c-other" }), invalid},
		{"event without a type", edit(0, func(e *events.Event) { e.Type = "" }), invalid},
		{"event at schema 0", edit(0, func(e *events.Event) { e.SchemaVersion = 0 }), invalid},
		{"event data not JSON", edit(0, func(e *events.Event) { e.Data = json.RawMessage(`{"n":`) }), invalid},
		{"event over 256 KiB", edit(2, func(e *events.Event) { e.Data = huge }), events.ErrEventTooLarge},
		{"snapshot missing", with(func(b *events.Batch) { b.Snapshots = nil }), invalid},
		{"snapshot at a version not due", with(func(b *events.Batch) { b.Snapshots = []events.Snapshot{snapshotAt(9)} }), invalid},
		{"snapshot not JSON", with(func(b *events.Batch) { b.Snapshots[0].State = json.RawMessage(`{`) }), invalid},
		{"snapshot extra", with(func(b *events.Batch) { b.Snapshots = append(b.Snapshots, snapshotAt(20)) }), invalid},
	}
}

// testBadAppends checks that each invalid Append fails with the right code
// and leaves s-1, and the command, untouched.
func testBadAppends(t *testing.T, s store) {
	want := seed(t, s, "s-1", 2)
	for _, c := range badAppends() {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(context.Background(), c.b)
			wantError(t, "Append", err, c.want)
			sameEvents(t, "events after the rejected append", readAll(t, s, "s-1"), want)
			if evs, err := s.Command(context.Background(), "s-1", "c-bad", ""); err != nil || evs != nil {
				t.Fatalf("the rejected command was recorded: %v, %v", evs, err)
			}
			if snap, err := s.Snapshot(context.Background(), "s-1", 10); err != nil || snap.Version != 0 {
				t.Fatalf("the rejected append left a snapshot: %+v, %v", snap, err)
			}
			checkStreamList(t, s, []string{"s-1"})
		})
	}
}

// testBadReads checks that the read methods reject bad arguments.
func testBadReads(t *testing.T, s store) {
	ctx := context.Background()
	seed(t, s, "s-1", 2)
	read := func(stream string, from int64, limit int) func() error {
		return func() error { _, err := s.Read(ctx, stream, from, limit); return err }
	}
	cases := []struct {
		name string
		call func() error
	}{
		{"Read of an empty stream id", read("", 1, 10)},
		{"Read from version 0", read("s-1", 0, 10)},
		{"Read with limit 0", read("s-1", 1, 0)},
		{"Read over MaxReadLimit", read("s-1", 1, events.MaxReadLimit+1)},
		{"Load of an empty stream id", func() error { _, err := s.Load(ctx, ""); return err }},
		{"Load of an invalid stream id", func() error { _, err := s.Load(ctx, "a b"); return err }},
		{"Command of an empty stream id", func() error { _, err := s.Command(ctx, "", "c-1", ""); return err }},
		{"Command of an empty command id", func() error { _, err := s.Command(ctx, "s-1", "", ""); return err }},
		{"Snapshot of an empty stream id", func() error { _, err := s.Snapshot(ctx, "", 10); return err }},
		{"Streams with limit 0", func() error { _, err := s.Streams(ctx, "", 0); return err }},
		{"Streams over MaxReadLimit", func() error { _, err := s.Streams(ctx, "", events.MaxReadLimit+1); return err }},
	}
	for _, c := range cases {
		wantError(t, c.name, c.call(), events.ErrInvalidArgument)
	}
}

// testCanceled checks that every method gives up on a canceled context with
// an error that matches context.Canceled, and that Append writes nothing.
func testCanceled(t *testing.T, s store) {
	want := seed(t, s, "s-1", 2)
	ctx := canceled()
	_, err := s.Append(ctx, batch("s-1", 2, makeEvents("s-1", 2, 1, "c-late"), "c-late"))
	wantError(t, "Append", err, context.Canceled)
	sameEvents(t, "events after a canceled append", readAll(t, s, "s-1"), want)
	calls := map[string]func() error{
		"Load":     func() error { _, err := s.Load(ctx, "s-1"); return err },
		"Read":     func() error { _, err := s.Read(ctx, "s-1", 1, 10); return err },
		"Command":  func() error { _, err := s.Command(ctx, "s-1", "seed-0", ""); return err },
		"Snapshot": func() error { _, err := s.Snapshot(ctx, "s-1", 10); return err },
		"Streams":  func() error { _, err := s.Streams(ctx, "", 10); return err },
	}
	for name, call := range calls {
		wantError(t, name, call(), context.Canceled)
	}
}
