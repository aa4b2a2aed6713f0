package events_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"acc-1", true},
		{"a.b-c_D9", true},
		{strings.Repeat("x", events.MaxIDLength), true},
		{"", false},
		{strings.Repeat("x", events.MaxIDLength+1), false},
		{"acc 1", false},
		{"acc/1", false},
		{"acc:1", false},
		{"café", false},
		{"acc\x00", false},
		{".", false},
		{"..", false},
		{"...", true},
		{".a", true},
		{"a..", true},
	}
	for _, tt := range tests {
		if got := events.ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// FuzzValidID holds ValidID to the documented rule, written as a pattern
// and the two path segments it excludes.
func FuzzValidID(f *testing.F) {
	rule := regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	for _, s := range []string{"acc-1", "", "a b", "é", strings.Repeat("z", 65), ".", ".."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := events.ValidID(s), rule.MatchString(s) && s != "." && s != ".."; got != want {
			t.Errorf("ValidID(%q) = %v, the rule says %v", s, got, want)
		}
	})
}

func TestCheckIDNamesTheRule(t *testing.T) {
	for _, id := range []string{".", "..", "", "a b"} {
		err := events.CheckID(events.CodeInvalidCommand, "accountId", id)
		var e *events.Error
		if !errors.As(err, &e) || e.Code != events.CodeInvalidCommand ||
			!strings.Contains(e.Message, fmt.Sprintf("accountId %q must be 1 to 64", id)) || !strings.Contains(e.Message, `other than "." and ".."`) {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
	if err := events.CheckID(events.CodeInvalidCommand, "accountId", "acc-1"); err != nil {
		t.Errorf("CheckID(acc-1) = %v", err)
	}
	for _, id := range []string{".:1", "..:2"} {
		if _, _, err := events.ParseEventID(id); !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("ParseEventID(%q) = %v, want InvalidArgument", id, err)
		}
	}
}
