package hallgrenbolt_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/hallgren/eventsourcing/core"
	"github.com/hallgren/eventsourcing/core/testsuite"

	"github.com/stepfold/stepfold/bench/peers/hallgrenbolt"
)

// TestSuite runs the library's own conformance suite for event stores.
func TestSuite(t *testing.T) {
	testsuite.Test(t, func() (core.EventStore, func(), error) {
		s, err := hallgrenbolt.Open(filepath.Join(t.TempDir(), "es.db"))
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	})
}

// TestSaveIsAtomic checks that a Save whose second event skips a version
// writes nothing, and that events are read back after reopening.
func TestSaveIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "es.db")
	s, err := hallgrenbolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ev := func(v core.Version) core.Event {
		return core.Event{AggregateID: "a", AggregateType: "T", Version: v, Reason: "R", Data: []byte(`{}`)}
	}
	if err := s.Save([]core.Event{ev(1)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save([]core.Event{ev(2), ev(4)}); !errors.Is(err, core.ErrConcurrency) {
		t.Fatalf("Save 2, 4: %v, want core.ErrConcurrency", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = hallgrenbolt.Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	it, err := s.Get(t.Context(), "a", "T", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var got []core.Version
	for it.Next() {
		e, err := it.Value()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Version)
	}
	if len(got) != 1 || got[0] != 1 {
		t.Fatalf("versions %v after the refused Save, want [1]", got)
	}
}
