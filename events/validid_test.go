package events_test

import (
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
	}
	for _, tt := range tests {
		if got := events.ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// FuzzValidID holds ValidID to the documented rule, written as a pattern.
func FuzzValidID(f *testing.F) {
	rule := regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	for _, s := range []string{"acc-1", "", "a b", "é", strings.Repeat("z", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := events.ValidID(s), rule.MatchString(s); got != want {
			t.Errorf("ValidID(%q) = %v, the rule says %v", s, got, want)
		}
	})
}
