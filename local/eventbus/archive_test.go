package eventbus

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// archiveAll publishes history through a bus whose archive rule writes to a
// fresh archive, and returns the archive's path.
func archiveAll(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "archive.jsonl")
	a, err := OpenArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", a, &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(context.Background(), history()); err != nil {
		t.Fatal(err)
	}
	closeBus(t, b)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestArchiveWritesOneLinePerEvent(t *testing.T) {
	path := archiveAll(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ids = append(ids, decodeEvent(t, sc.Bytes()).ID)
	}
	want := []string{"acc-1:1", "acc-1:2", "acc-1:3", "acc-1:4", "acc-1:5", "acc-1:6"}
	if !slices.Equal(ids, want) {
		t.Errorf("archive holds %v; want %v", ids, want)
	}
}

func TestReplayDeliversMatchingEventsToTheRule(t *testing.T) {
	path := archiveAll(t)
	appendLine(t, path, `{"version":"0","id":"acc-1:7","detail-ty`) // a torn last write
	tests := []struct {
		name        string
		opts        ReplayOptions
		want        []string
		wantSkipped int
	}{
		{"whole archive", ReplayOptions{}, []string{"acc-1:3", "acc-1:4", "acc-1:5", "acc-1:6"}, 1},
		{"from", ReplayOptions{From: t0.Add(4*time.Hour + time.Second)}, []string{"acc-1:4", "acc-1:5", "acc-1:6"}, 1},
		{"window", ReplayOptions{From: t0.Add(4 * time.Hour), Until: t0.Add(5*time.Hour + time.Second)}, []string{"acc-1:4"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			var reports []ReplayProgress
			tt.opts.Progress = func(p ReplayProgress) { reports = append(reports, p) }
			b, err := New(t.TempDir(), realRules(t), WithSource(bankSource), WithTarget("notify", rec.deliver(t), &memDLQ{}), WithTarget("archive", rec.deliver(t), &memDLQ{}))
			if err != nil {
				t.Fatal(err)
			}
			defer closeBus(t, b)
			p, err := b.Replay(context.Background(), path, "notify-account-activity", tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.ids(); !slices.Equal(got, tt.want) {
				t.Errorf("replayed %v; want %v", got, tt.want)
			}
			want := ReplayProgress{Read: 7, Skipped: tt.wantSkipped, Matched: len(tt.want), Delivered: len(tt.want)}
			if p != want || len(reports) != len(tt.want)+1 || reports[len(reports)-1] != want || reports[0].Delivered != 1 {
				t.Errorf("progress %+v, reports %+v; want %+v, one report per event and one at the end", p, reports, want)
			}
			for _, e := range rec.events {
				if e.ReplayName != "localbus-replay" {
					t.Errorf("event %s has replay-name %q", e.ID, e.ReplayName)
				}
			}
		})
	}
}

func TestReplayIntoTheArchiveEnds(t *testing.T) {
	path := archiveAll(t)
	a, err := OpenArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", a, &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	defer closeBus(t, b)
	p, err := b.Replay(context.Background(), path, "archive-all-events", ReplayOptions{})
	if err != nil || p.Delivered != len(history()) {
		t.Errorf("Replay = %+v, %v; want %d delivered", p, err, len(history()))
	}
}

func TestReplayRejectsBadArguments(t *testing.T) {
	b, err := New(t.TempDir(), realRules(t)[1:], WithSource(bankSource), WithTarget("archive", Func(func(context.Context, []byte) error { return nil }), &memDLQ{}))
	if err != nil {
		t.Fatal(err)
	}
	defer closeBus(t, b)
	path := archiveAll(t)
	tests := []struct {
		name, path, rule string
		opts             ReplayOptions
		want             error
	}{
		{"unknown rule", path, "nope", ReplayOptions{}, events.ErrInvalidArgument},
		{"empty window", path, "archive-all-events", ReplayOptions{From: t0, Until: t0}, events.ErrInvalidArgument},
		{"missing archive", filepath.Join(t.TempDir(), "none.jsonl"), "archive-all-events", ReplayOptions{}, events.ErrStoreUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := b.Replay(context.Background(), tt.path, tt.rule, tt.opts); !errors.Is(err, tt.want) {
				t.Errorf("Replay = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestArchiveRefusesNonJSONAndClosedFile(t *testing.T) {
	a, err := OpenArchive(filepath.Join(t.TempDir(), "a.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Deliver(context.Background(), []byte("not json")); !IsPermanent(err) {
		t.Errorf("Deliver(not json) = %v; want a permanent error", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Deliver(context.Background(), []byte(`{}`)); !errors.Is(err, events.ErrStoreUnavailable) || !IsPermanent(err) {
		t.Errorf("Deliver after Close = %v; want a permanent StoreUnavailable", err)
	}
}

// TestArchiveEndsATornLine reopens an archive whose last line a crash
// cut short: the next event gets a line of its own, and a replay passes
// over the torn one.
func TestArchiveEndsATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	if err := os.WriteFile(path, []byte(`{"id":"a:1"}`+"\n"+`{"id":"a:`), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := OpenArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Deliver(context.Background(), []byte(`{"id":"a:2"}`)); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if want := `{"id":"a:1"}` + "\n" + `{"id":"a:` + "\n" + `{"id":"a:2"}` + "\n"; err != nil || string(b) != want {
		t.Fatalf("archive %q, want %q (%v)", b, want, err)
	}
}

func appendLine(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		t.Fatal(err)
	}
}
