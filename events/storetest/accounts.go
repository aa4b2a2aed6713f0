package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// testAccounts creates accounts in random order, including ids whose byte
// order differs from their case-folded order, and pages through them.
func testAccounts(t *testing.T, s store) {
	ids := []string{"B", "a", "Z-1", "0", "acc.9", "acc_9", "acc-10", "acc-9"}
	for i := range 15 {
		ids = append(ids, accountID(i*7))
	}
	for _, i := range rand.Perm(len(ids)) {
		mustAppend(t, s, ids[i], 0, makeEvents(ids[i], 0, 1, "c-1"), "c-1")
	}
	slices.Sort(ids)
	checkAccountList(t, s, ids)
	got, err := s.Accounts(context.Background(), "acc-050", 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"acc-056", "acc-063", "acc-070"}; !slices.Equal(got, want) {
		t.Fatalf("Accounts after a missing id: %q, want %q", got, want)
	}
}

// checkAccountList pages through Accounts, 5 at a time, and compares the
// result with want, which is sorted.
func checkAccountList(t *testing.T, s store, want []string) {
	t.Helper()
	var got []string
	after := ""
	for range len(want) + 2 {
		page, err := s.Accounts(context.Background(), after, 5)
		if err != nil {
			t.Fatalf("Accounts(%q, 5): %v", after, err)
		}
		if len(page) > 5 {
			t.Fatalf("Accounts(%q, 5) returned %d ids", after, len(page))
		}
		got = append(got, page...)
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Accounts pages: %q, want %q", got, want)
	}
}
