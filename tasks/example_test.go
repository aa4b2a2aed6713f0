package tasks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
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

// The pipeline steps, run by hand for the inventory domain, as the state
// machine runs them: a confirmed reservation records two events, and a
// reservation beyond the stock is refused.
func Example() {
	dir, _ := os.MkdirTemp("", "stepfold-example")
	defer os.RemoveAll(dir)
	store, err := boltstore.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	svc, _ := tasks.New(inventory.Domain{}, store, store, printer{})
	ctx := context.Background()

	for _, c := range []string{
		`{"type":"ReceiveStock","warehouseId":"w-1","commandId":"c-1","sku":"apple","quantity":5}`,
		`{"type":"Reserve","warehouseId":"w-1","commandId":"c-2","reservationId":"r-1","sku":"apple","quantity":3,"expiresAt":"2099-01-01T00:00:00Z"}`,
		`{"type":"ConfirmReservation","warehouseId":"w-1","commandId":"c-3","reservationId":"r-1"}`,
		`{"type":"Reserve","warehouseId":"w-1","commandId":"c-4","reservationId":"r-2","sku":"apple","quantity":3,"expiresAt":"2099-01-01T00:00:00Z"}`,
	} {
		d, err := svc.Validate(ctx, tasks.ValidateInput{Command: []byte(c)})
		if err != nil {
			fmt.Println("rejected:", events.ErrorCode(err))
			continue
		}
		p, _ := svc.Persist(ctx, tasks.PersistInput{ExpectedVersion: d.ExpectedVersion, Events: d.Events, Snapshots: d.Snapshots, Fingerprint: d.Fingerprint})
		_, _ = svc.Publish(ctx, tasks.EventsInput{Events: p.Events})
		_, _ = svc.Fold(ctx, tasks.EventsInput{Events: p.Events})
	}
	state, _ := svc.State(ctx, "w-1")
	fmt.Println(string(state))
	// Output:
	// published w-1:1 StockReceived
	// published w-1:2 StockReserved
	// published w-1:3 ReservationConfirmed
	// published w-1:4 StockShipped
	// rejected: InsufficientStock
	// {"warehouse":"w-1","version":4,"stock":{"apple":{"onHand":2,"reserved":0}},"reservations":{}}
}
