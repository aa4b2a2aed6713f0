package boltstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
)

// TestWithoutSyncKeepsOnlyCleanlyClosedFiles opens a store WithoutSync,
// writes a state, and then reopens the file in each way a run can end:
// after Close, as a copy taken while the store was open again (what a
// crash leaves on disk), and overwritten with garbage.
func TestWithoutSyncKeepsOnlyCleanlyClosedFiles(t *testing.T) {
	ctx := context.Background()
	state := boltstore.TallyAt(3)
	tests := []struct {
		name    string
		end     func(t *testing.T, s *boltstore.Store, path string) string // returns the path to reopen
		discard bool
	}{
		{"closed cleanly", func(t *testing.T, s *boltstore.Store, path string) string {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return path
		}, false},
		{"crashed after a clean reopen", func(t *testing.T, s *boltstore.Store, path string) string {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			again, err := boltstore.Open(path, boltstore.WithoutSync())
			if err != nil || again.Discarded() {
				t.Fatalf("reopening a cleanly closed file: discarded %v, %v", again != nil && again.Discarded(), err)
			}
			crashed := path + ".crashed"
			boltstore.CopyFile(t, path, crashed)
			_ = again.Close()
			return crashed
		}, true},
		{"corrupt", func(t *testing.T, s *boltstore.Store, path string) string {
			_ = s.Close()
			if err := os.WriteFile(path, make([]byte, 16384), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "readmodel.db")
			s, err := boltstore.Open(path, boltstore.WithoutSync())
			if err != nil {
				t.Fatal(err)
			}
			if s.Discarded() {
				t.Fatal("a new file was reported as discarded")
			}
			if _, err := s.Put(ctx, "s-1", state); err != nil {
				t.Fatal(err)
			}
			re := openAt(t, tt.end(t, s, path), boltstore.WithoutSync())
			if re.Discarded() != tt.discard {
				t.Fatalf("Discarded() = %v, want %v", re.Discarded(), tt.discard)
			}
			got, err := re.Get(ctx, "s-1")
			switch {
			case tt.discard && !errors.Is(err, events.ErrNotFound):
				t.Fatalf("Get after a discard = %+v, %v; want NotFound", got, err)
			case !tt.discard && (err != nil || !reflect.DeepEqual(got, state)):
				t.Fatalf("Get after a clean close = %+v, %v; want %+v", got, err, state)
			}
			if _, err := re.Put(ctx, "s-1", state); err != nil {
				t.Fatalf("Put after reopening: %v", err)
			}
		})
	}
}
