package events_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestErrorMatching(t *testing.T) {
	err := fmt.Errorf("persist: %w", events.Wrap(events.CodeThrottled, io.ErrUnexpectedEOF, "table busy"))
	if !errors.Is(err, events.ErrThrottled) || errors.Is(err, events.ErrVersionConflict) {
		t.Error("errors.Is does not match by code")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable through Unwrap")
	}
	var e *events.Error
	if !errors.As(err, &e) || e.Code != events.CodeThrottled || e.Message != "table busy" {
		t.Errorf("errors.As = %+v", e)
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		err  error
		want events.Code
	}{
		{nil, ""},
		{io.EOF, events.CodeInternal},
		{events.Errorf("InsufficientFunds", "no"), "InsufficientFunds"},
		{fmt.Errorf("x: %w", events.ErrVersionConflict), events.CodeVersionConflict},
	}
	for _, tt := range tests {
		if got := events.ErrorCode(tt.err); got != tt.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *events.Error
		want string
	}{
		{events.ErrNotFound, "NotFound"},
		{events.Errorf("AccountNotFound", "account %s does not exist", "a"), "AccountNotFound: account a does not exist"},
		{events.Wrap(events.CodeStoreUnavailable, io.EOF, "open store"), "StoreUnavailable: open store: EOF"},
		{&events.Error{Code: events.CodeInternal, Err: io.EOF}, "Internal: EOF"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestStatus checks the one table of HTTP statuses: a domain's own
// rejections, its not-found code, then the core's; anything else is a 500.
func TestStatus(t *testing.T) {
	info := events.Info{Name: "x", NotFound: "ThingNotFound", Rejections: []events.Rejection{{Code: "TooMany", Status: 422}, {Code: "Taken", Status: 409}}}
	for code, want := range map[events.Code]int{
		"TooMany": 422, "Taken": 409, "ThingNotFound": 404,
		events.CodeInvalidCommand: 400, events.CodeNotFound: 404, events.CodeIdempotencyKeyReused: 422,
		events.CodeVersionConflict: 409, events.CodeThrottled: 503,
		events.CodeStoreUnavailable: 500, events.CodeInternal: 500, "States.Timeout": 500, "Unheard": 500,
	} {
		if got := info.Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
	for code, want := range map[events.Code]bool{
		"TooMany": true, "ThingNotFound": true, events.CodeInvalidCommand: true, events.CodeIdempotencyKeyReused: true,
		events.CodeVersionConflict: false, events.CodeThrottled: false, events.CodeInternal: false, "Unheard": false,
	} {
		if got := info.IsRejection(code); got != want {
			t.Errorf("IsRejection(%s) = %v, want %v", code, got, want)
		}
	}
	if got := (events.Info{}).Status("OK"); got != 500 {
		t.Errorf("an unknown code is %d, want 500", got)
	}
}

// ledger returns n valid events of stream, one command each, at versions
// 1 to n.
func ledger(stream string, n int) []events.Event {
	out := make([]events.Event, n)
	for i := range out {
		v := int64(i + 1)
		out[i] = events.Event{ID: events.EventID(stream, v), Stream: stream, Version: v, Type: "Noted", SchemaVersion: 1,
			CommandID: fmt.Sprintf("c%d", i), Data: []byte(`{"n":1}`)}
	}
	return out
}

func TestCheckBatch(t *testing.T) {
	good := ledger("a", 2)
	big := good[1]
	big.Data = []byte(`"` + strings.Repeat("x", events.MaxEventSize) + `"`)
	unknown, badData, noSchema := good[0], good[0], good[0]
	unknown.Type, badData.Data, noSchema.SchemaVersion = "", []byte(`{"n":`), 0
	b := func(stream string, expected int64, evs []events.Event, cmd string, fp events.Fingerprint) events.Batch {
		return events.Batch{Stream: stream, Expected: expected, Events: evs, CommandID: cmd, Fingerprint: fp}
	}
	tests := []struct {
		name  string
		batch events.Batch
		want  error
	}{
		{"valid", b("a", 0, good[:1], "c0", ""), nil},
		{"valid with a fingerprint", b("a", 0, good[:1], "c0", events.Fingerprint(strings.Repeat("f", events.MaxFingerprintLength))), nil},
		{"empty stream", b("", 0, good[:1], "c0", ""), events.ErrInvalidArgument},
		{"negative expected", b("a", -1, good[:1], "c0", ""), events.ErrInvalidArgument},
		{"no events", b("a", 0, nil, "c0", ""), events.ErrInvalidArgument},
		{"wrong version", b("a", 1, good[:1], "c0", ""), events.ErrInvalidArgument},
		{"wrong command", b("a", 0, good[:1], "c9", ""), events.ErrInvalidArgument},
		{"no type", b("a", 0, []events.Event{unknown}, "c0", ""), events.ErrInvalidArgument},
		{"invalid data", b("a", 0, []events.Event{badData}, "c0", ""), events.ErrInvalidArgument},
		{"no schema", b("a", 0, []events.Event{noSchema}, "c0", ""), events.ErrInvalidArgument},
		{"too large", b("a", 1, []events.Event{big}, "c1", ""), events.ErrEventTooLarge},
		{"fingerprint too long", b("a", 0, good[:1], "c0", events.Fingerprint(strings.Repeat("f", events.MaxFingerprintLength+1))), events.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.CheckBatch(tt.batch)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("CheckBatch = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckSnapshots(t *testing.T) {
	evs := ledger("a", 12)
	for i := range evs {
		evs[i].CommandID = "c"
	}
	snap := events.Snapshot{Version: 10, State: []byte(`{}`)}
	tests := []struct {
		name  string
		snaps []events.Snapshot
		ok    bool
	}{
		{"the one due", []events.Snapshot{snap}, true},
		{"missing", nil, false},
		{"at the wrong version", []events.Snapshot{{Version: 11, State: []byte(`{}`)}}, false},
		{"not JSON", []events.Snapshot{{Version: 10, State: []byte(`{`)}}, false},
		{"one too many", []events.Snapshot{snap, snap}, false},
	}
	for _, tt := range tests {
		err := events.CheckSnapshots(events.Batch{Stream: "a", Events: evs, CommandID: "c", Snapshots: tt.snaps})
		if (err == nil) != tt.ok || err != nil && !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("%s: CheckSnapshots = %v", tt.name, err)
		}
	}
}

func TestSameRequest(t *testing.T) {
	if err := events.SameRequest("a", "c", "x", "x"); err != nil {
		t.Errorf("same fingerprints: %v", err)
	}
	for _, pair := range [][2]events.Fingerprint{{"", "x"}, {"x", ""}} {
		if err := events.SameRequest("a", "c", pair[0], pair[1]); err != nil {
			t.Errorf("a missing fingerprint %q/%q: %v", pair[0], pair[1], err)
		}
	}
	err := events.SameRequest("acc-1", "k-1", "x", "y")
	var e *events.Error
	if !errors.As(err, &e) || e.Code != events.CodeIdempotencyKeyReused || !strings.Contains(e.Message, "k-1") {
		t.Errorf("different fingerprints: %v", err)
	}
}

func TestErrorDetail(t *testing.T) {
	inner := events.Errorf(events.CodeInvalidArgument, "must be a string")
	for _, c := range []struct {
		err  *events.Error
		want string
	}{
		{events.Wrap(events.CodeInvalidCommand, events.Wrap(events.CodeInvalidArgument, inner, `event member "id"`), `member "events"`), `member "events": event member "id": must be a string`},
		{events.Wrap(events.CodeInternal, errors.New("disk full"), "cannot write"), "cannot write: disk full"},
		{events.Wrap(events.CodeInternal, inner, ""), "must be a string"},
		{&events.Error{Code: events.CodeInternal}, ""},
	} {
		if got := c.err.Detail(); got != c.want {
			t.Errorf("Detail() of %v = %q, want %q", c.err, got, c.want)
		}
	}
}
