// Package notify tells account holders about withdrawals, reversals and
// closures. It is the subscriber behind the "notify" target of the rule
// notify-account-activity, in both modes: on AWS, EventBridge invokes the
// Lambda that runs Handler; locally, the local bus calls Handler.Handle.
//
// For each EventBridge event, Handler builds a Notification, with the amount
// formatted from minor units by the currency's exponent (see FormatAmount),
// and hands it to a Sink: a JSON Lines file locally (JSONLSink), structured
// log lines on AWS (LogSink).
//
// EventBridge and the local bus deliver at least once, so Handler dedupes by
// the account event's id (the detail's id, which never changes, unlike
// EventBridge's own event id) through the Seen port. Locally the seen-set is
// rebuilt from the notifications file on start (SeenFromJSONL), so a
// redelivery after a restart is still recognised. On AWS the seen-set lives
// only as long as one Lambda execution environment: a redelivery that lands
// on another one is logged twice. Both are bounded: an event redelivered
// after its id was evicted is notified again.
//
// This package imports only events and the standard library.
package notify
