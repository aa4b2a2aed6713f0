package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// testStreams creates streams in random order, including ids whose byte
// order differs from their case-folded order, and pages through them.
func testStreams(t *testing.T, s store) {
	ids := []string{"B", "a", "Z-1", "0", "s.9", "s_9", "s-10", "s-9"}
	for i := range 15 {
		ids = append(ids, streamID(i*7))
	}
	for _, i := range rand.Perm(len(ids)) {
		mustAppend(t, s, ids[i], 0, makeEvents(ids[i], 0, 1, "c-1"), "c-1")
	}
	slices.Sort(ids)
	checkStreamList(t, s, ids)
	got, err := s.Streams(context.Background(), "s-050", 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"s-056", "s-063", "s-070"}; !slices.Equal(got, want) {
		t.Fatalf("Streams after a missing id: %q, want %q", got, want)
	}
}

// checkStreamList pages through Streams, 5 at a time, and compares the
// result with want, which is sorted.
func checkStreamList(t *testing.T, s store, want []string) {
	t.Helper()
	var got []string
	after := ""
	for range len(want) + 2 {
		page, err := s.Streams(context.Background(), after, 5)
		if err != nil {
			t.Fatalf("Streams(%q, 5): %v", after, err)
		}
		if len(page) > 5 {
			t.Fatalf("Streams(%q, 5) returned %d ids", after, len(page))
		}
		got = append(got, page...)
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Streams pages: %q, want %q", got, want)
	}
}
