package eventbus

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestMatchConcurrently matches from many goroutines at once, as concurrent
// Publish calls do; a shared quamina instance fails or mismatches here.
func TestMatchConcurrently(t *testing.T) {
	m, err := newMatcher([]Rule{
		{Name: "withdrawals", Pattern: []byte(`{"detail-type": ["FundsWithdrawn"]}`), Target: "t"},
		{Name: "all", Pattern: []byte(`{"source": ["stepfold.accounts"]}`), Target: "t"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				typ := []string{"FundsWithdrawn", "FundsDeposited"}[(g+i)%2]
				event := fmt.Appendf(nil, `{"source":"stepfold.accounts","detail-type":%q,"detail":{"id":"a:%d","account":"a"}}`, typ, i)
				got, err := m.match(event)
				want := []string{"all"}
				if typ == "FundsWithdrawn" {
					want = []string{"all", "withdrawals"}
				}
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("match %s = %v, %v; want %v", typ, got, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
