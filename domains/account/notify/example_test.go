package notify_test

import (
	"context"
	"fmt"

	"github.com/stepfold/stepfold/domains/account/notify"
)

// printer is a Sink that prints each notification.
type printer struct{}

func (printer) Send(_ context.Context, n notify.Notification) error {
	fmt.Println(n.Kind, n.Text)
	return nil
}

func Example() {
	eur := notify.CurrencyFunc(func(context.Context, string) (string, error) { return "EUR", nil })
	seen, err := notify.NewMemorySeen(1000)
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := notify.NewHandler(eur, seen, printer{})
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"version":"0","id":"acc-1:3","detail-type":"FundsWithdrawn","source":"stepfold.accounts",
		"account":"000000000000","time":"2026-11-23T10:00:01Z","region":"us-east-1","resources":[],
		"detail":{"id":"acc-1:3","account":"acc-1","version":3,"type":"FundsWithdrawn","schemaVersion":1,
		"occurredAt":"2026-11-23T10:00:00Z","commandId":"c-42","data":{"amount":1234}}}`)
	for range 2 { // delivered twice, notified once
		if err := h.Handle(context.Background(), event); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// withdrawal 12.34 EUR was withdrawn from account acc-1 on 2026-11-23
}
