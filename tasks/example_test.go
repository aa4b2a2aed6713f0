package tasks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/boltstore"
	"github.com/stepfold/stepfold/tasks"
)

// printer is a Publisher that prints the ids it publishes.
type printer struct{}

func (printer) Publish(_ context.Context, evs []events.Event) error {
	for _, e := range evs {
		fmt.Println("published", e.ID, e.Type)
	}
	return nil
}

// The pipeline steps, run by hand for one deposit, as the state machine
// runs them.
func Example() {
	dir, _ := os.MkdirTemp("", "stepfold-example")
	defer os.RemoveAll(dir)
	store, err := boltstore.Open(filepath.Join(dir, "stepfold.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	svc, _ := tasks.New(store, store, printer{})
	ctx := context.Background()

	for _, c := range []events.Command{
		{Type: events.OpenAccount, AccountID: "acc-1", CommandID: "c-1", Currency: "EUR"},
		{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-2", Amount: 1500},
		{Type: events.Withdraw, AccountID: "acc-1", CommandID: "c-3", Amount: 2000},
	} {
		d, err := svc.Validate(ctx, tasks.ValidateInput{Command: c})
		if err != nil {
			fmt.Println("rejected:", events.ErrorCode(err))
			continue
		}
		p, _ := svc.Persist(ctx, tasks.PersistInput{Command: c, ExpectedVersion: d.ExpectedVersion, Events: d.Events})
		_, _ = svc.Publish(ctx, tasks.EventsInput{Events: p.Events})
		r, _ := svc.Fold(ctx, tasks.EventsInput{Events: p.Events})
		fmt.Printf("%s at version %d: %d %s\n", r.Account, r.Version, r.Balance, r.Currency)
	}
	// Output:
	// published acc-1:1 AccountOpened
	// acc-1 at version 1: 0 EUR
	// published acc-1:2 FundsDeposited
	// acc-1 at version 2: 1500 EUR
	// rejected: InsufficientFunds
}
