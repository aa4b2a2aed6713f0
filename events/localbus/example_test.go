package localbus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/localbus"
)

// discard is a dead-letter queue that this example never needs.
type discard struct{ events.DeadLetters }

func Example() {
	withdrawals := []localbus.Rule{{
		Name:    "withdrawals",
		Pattern: []byte(`{"source":["stepfold.accounts"],"detail-type":["FundsWithdrawn"]}`),
		Target:  "printer",
	}}
	printer := localbus.Func(func(_ context.Context, data []byte) error {
		var e localbus.Event
		if err := json.Unmarshal(data, &e); err != nil {
			return localbus.Permanent(err)
		}
		fmt.Println(e.DetailType, e.ID, e.Source, e.Time, string(e.Detail[:12]))
		return nil
	})
	dir, err := os.MkdirTemp("", "localbus-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	bus, err := localbus.New(dir, withdrawals, localbus.WithTarget("printer", printer, discard{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	err = bus.Publish(context.Background(), []events.Event{
		{ID: "acc-1:2", Account: "acc-1", Version: 2, Type: events.FundsDeposited, OccurredAt: at, Data: []byte(`{"amount":1500}`)},
		{ID: "acc-1:3", Account: "acc-1", Version: 3, Type: events.FundsWithdrawn, OccurredAt: at, Data: []byte(`{"amount":1234}`)},
	})
	if err != nil {
		fmt.Println(err)
	}
	if err := bus.Close(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// FundsWithdrawn acc-1:3 stepfold.accounts 2026-11-23T10:00:00Z {"id":"acc-1
}
