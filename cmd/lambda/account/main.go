// Command account is the Lambda binary of the bank account: every one of
// its functions runs it (see package function), and so does its notify
// subscriber.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/stepfold/stepfold/cmd/lambda/function"
	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/domains/account/notify"
	"github.com/stepfold/stepfold/events"
)

func main() { function.Main(account.Domain{}, notifySubscriber()) }

// notifySubscriber is the notify function, which logs its notifications
// to the function's log.
func notifySubscriber() function.Subscriber {
	return function.Subscriber{Name: "notify", New: func(store events.EventStore) (lambda.Handler, error) {
		return notifier(store, slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	}}
}

// seenCapacity bounds the event ids one notifier instance remembers.
const seenCapacity = 10_000

// notifier serves EventBridge events to the notify subscriber: it reads
// each account's currency from the event log and logs the notification
// as JSON. EventBridge delivers at least once; the seen-set dedupes
// redeliveries that reach the same instance.
func notifier(store events.EventStore, log *slog.Logger) (lambda.Handler, error) {
	seen, err := notify.NewMemorySeen(seenCapacity)
	if err != nil {
		return nil, err
	}
	sink, err := notify.NewLogSink(log)
	if err != nil {
		return nil, err
	}
	h, err := notify.NewHandler(notify.FromEventLog(store), seen, sink)
	if err != nil {
		return nil, err
	}
	return lambda.NewHandler(func(ctx context.Context, ev json.RawMessage) error {
		return h.Handle(ctx, ev)
	}), nil
}
