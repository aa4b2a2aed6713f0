package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// badAppend is one invalid Append to acc-1, which holds 2 events.
type badAppend struct {
	name     string
	account  string
	expected int64
	evs      []events.Event
	cmd      string
	want     error
}

func badAppends() []badAppend {
	good := func(n int) []events.Event { return makeEvents("acc-1", 2, n, "c-bad") }
	edit := func(i int, f func(*events.Event)) []events.Event {
		evs := good(3)
		f(&evs[i])
		return evs
	}
	huge := json.RawMessage(`"` + strings.Repeat("x", events.MaxEventSize) + `"`)
	invalid := events.ErrInvalidArgument
	return []badAppend{
		{"empty account id", "", 2, makeEvents("", 2, 1, "c-bad"), "c-bad", invalid},
		{"account id with a colon", "acc:1", 0, makeEvents("acc:1", 0, 1, "c-bad"), "c-bad", invalid},
		{"account id too long", strings.Repeat("a", 65), 0, makeEvents(strings.Repeat("a", 65), 0, 1, "c-bad"), "c-bad", invalid},
		{"negative expected version", "acc-1", -1, makeEvents("acc-1", -1, 1, "c-bad"), "c-bad", invalid},
		{"no events", "acc-1", 2, nil, "c-bad", invalid},
		{"empty command id", "acc-1", 2, makeEvents("acc-1", 2, 1, ""), "", invalid},
		{"event version skips one", "acc-1", 2, makeEvents("acc-1", 3, 1, "c-bad"), "c-bad", invalid},
		{"second event repeats a version", "acc-1", 2, edit(1, func(e *events.Event) { e.Version, e.ID = 3, events.EventID("acc-1", 3) }), "c-bad", invalid},
		{"event id not account:version", "acc-1", 2, edit(0, func(e *events.Event) { e.ID = "acc-1-3" }), "c-bad", invalid},
		{"event of another account", "acc-1", 2, edit(2, func(e *events.Event) { e.Account = "acc-2" }), "c-bad", invalid},
		{"event carries another command id", "acc-1", 2, edit(1, func(e *events.Event) { e.CommandID = "c-other" }), "c-bad", invalid},
		{"event without a type", "acc-1", 2, edit(0, func(e *events.Event) { e.Type = "" }), "c-bad", invalid},
		{"event over 256 KiB", "acc-1", 2, edit(2, func(e *events.Event) { e.Data = huge }), "c-bad", events.ErrEventTooLarge},
	}
}

// testBadAppends checks that each invalid Append fails with the right code
// and leaves acc-1, and the command, untouched.
func testBadAppends(t *testing.T, s store) {
	want := seed(t, s, "acc-1", 2)
	for _, c := range badAppends() {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Append(context.Background(), c.account, c.expected, c.evs, c.cmd, "")
			wantError(t, "Append", err, c.want)
			sameEvents(t, "events after the rejected append", readAll(t, s, "acc-1"), want)
			if evs, err := s.Command(context.Background(), "acc-1", "c-bad", ""); err != nil || evs != nil {
				t.Fatalf("the rejected command was recorded: %v, %v", evs, err)
			}
			checkAccountList(t, s, []string{"acc-1"})
		})
	}
}

// testBadReads checks that the read methods reject bad arguments.
func testBadReads(t *testing.T, s store) {
	ctx := context.Background()
	seed(t, s, "acc-1", 2)
	read := func(account string, from int64, limit int) func() error {
		return func() error { _, err := s.Read(ctx, account, from, limit); return err }
	}
	cases := []struct {
		name string
		call func() error
	}{
		{"Read of an empty account id", read("", 1, 10)},
		{"Read from version 0", read("acc-1", 0, 10)},
		{"Read with limit 0", read("acc-1", 1, 0)},
		{"Read over MaxReadLimit", read("acc-1", 1, events.MaxReadLimit+1)},
		{"Load of an empty account id", func() error { _, err := s.Load(ctx, ""); return err }},
		{"Load of an invalid account id", func() error { _, err := s.Load(ctx, "a b"); return err }},
		{"Command of an empty account id", func() error { _, err := s.Command(ctx, "", "c-1", ""); return err }},
		{"Command of an empty command id", func() error { _, err := s.Command(ctx, "acc-1", "", ""); return err }},
		{"Snapshot of an empty account id", func() error { _, err := s.Snapshot(ctx, "", 10); return err }},
		{"Accounts with limit 0", func() error { _, err := s.Accounts(ctx, "", 0); return err }},
		{"Accounts over MaxReadLimit", func() error { _, err := s.Accounts(ctx, "", events.MaxReadLimit+1); return err }},
	}
	for _, c := range cases {
		wantError(t, c.name, c.call(), events.ErrInvalidArgument)
	}
}

// testCanceled checks that every method gives up on a canceled context with
// an error that matches context.Canceled, and that Append writes nothing.
func testCanceled(t *testing.T, s store) {
	want := seed(t, s, "acc-1", 2)
	ctx := canceled()
	_, err := s.Append(ctx, "acc-1", 2, makeEvents("acc-1", 2, 1, "c-late"), "c-late", "")
	wantError(t, "Append", err, context.Canceled)
	sameEvents(t, "events after a canceled append", readAll(t, s, "acc-1"), want)
	calls := map[string]func() error{
		"Load":     func() error { _, err := s.Load(ctx, "acc-1"); return err },
		"Read":     func() error { _, err := s.Read(ctx, "acc-1", 1, 10); return err },
		"Command":  func() error { _, err := s.Command(ctx, "acc-1", "seed-0", ""); return err },
		"Snapshot": func() error { _, err := s.Snapshot(ctx, "acc-1", 10); return err },
		"Accounts": func() error { _, err := s.Accounts(ctx, "", 10); return err },
	}
	for name, call := range calls {
		wantError(t, name, call(), context.Canceled)
	}
}
