package events_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/stepfold/stepfold/events"
)

func Example() {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var s events.State
	for _, c := range []events.Command{
		{Type: events.OpenAccount, AccountID: "acc-1", CommandID: "c1", Currency: "EUR"},
		{Type: events.Deposit, AccountID: "acc-1", CommandID: "c2", Amount: 1500},
		{Type: events.Withdraw, AccountID: "acc-1", CommandID: "c3", Amount: 2000},
	} {
		evs, err := events.Decide(s, c, nil, now)
		if errors.Is(err, events.ErrInsufficientFunds) {
			fmt.Println("rejected:", err)
			continue
		}
		for _, e := range evs {
			s = events.Apply(s, e)
			fmt.Println(e.ID, e.Type)
		}
	}
	fmt.Println("balance:", events.FormatAmount(s.Balance, s.Currency))
	// Output:
	// acc-1:1 AccountOpened
	// acc-1:2 FundsDeposited
	// rejected: InsufficientFunds: account acc-1 holds 15.00 EUR; cannot withdraw 20.00 EUR
	// balance: 15.00 EUR
}
