package eventbus_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/eventbus"
)

// discard is a dead-letter queue that this example never needs.
type discard struct{ events.DeadLetters }

func Example() {
	withdrawals := []eventbus.Rule{{
		Name:    "withdrawals",
		Pattern: []byte(`{"source":["stepfold.accounts"],"detail-type":["FundsWithdrawn"]}`),
		Target:  "printer",
	}}
	printer := eventbus.Func(func(_ context.Context, data []byte) error {
		var e eventbus.Event
		if err := json.Unmarshal(data, &e); err != nil {
			return eventbus.Permanent(err)
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
	bus, err := eventbus.New(dir, withdrawals, eventbus.WithSource("stepfold.accounts"), eventbus.WithTarget("printer", printer, discard{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	err = bus.Publish(context.Background(), []events.Event{
		{ID: "acc-1:2", Stream: "acc-1", Version: 2, Type: "FundsDeposited", OccurredAt: at, Data: []byte(`{"amount":1500}`)},
		{ID: "acc-1:3", Stream: "acc-1", Version: 3, Type: "FundsWithdrawn", OccurredAt: at, Data: []byte(`{"amount":1234}`)},
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
