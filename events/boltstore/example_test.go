package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
)

func Example() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	s, err := boltstore.Open(filepath.Join(dir, "stepfold.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, c := range []events.Command{
		{Type: events.OpenAccount, AccountID: "acc-1", CommandID: "c-1", Currency: "EUR"},
		{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-2", Amount: 1500},
		{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-2", Amount: 1500}, // a retry
	} {
		h, _ := s.Load(ctx, c.AccountID)
		st, _ := h.State()
		evs, err := events.Decide(st, c, nil, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		got, err := s.Append(ctx, c.AccountID, st.Version, evs, c.CommandID, "")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.CommandID, got.Events[0].ID, "duplicate:", got.Duplicate)
	}
	h, _ := s.Load(ctx, "acc-1")
	st, _ := h.State()
	fmt.Println(st.Version, st.Balance, st.Currency)
	// Output:
	// c-1 acc-1:1 duplicate: false
	// c-2 acc-1:2 duplicate: false
	// c-2 acc-1:2 duplicate: true
	// 2 1500 EUR
}
