package asl

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBehaviour runs the cases under testdata/behaviour, written in the
// format of the AWS recordings: behaviours the public recordings do not
// cover, each with a note saying where the expected result comes from
// (the documentation, or a recording outside the public share, which then
// wins over the documentation).
func TestBehaviour(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "behaviour", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases (%v)", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			c := loadCase(t, f)
			if reason, _ := runCase(t, c); reason != "" {
				t.Error(reason)
			}
		})
	}
}
