package eventbridge

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/smithy-go"

	"github.com/stepfold/stepfold/events"
)

// codeThrottling is EventBridge's error code for throttled calls and entries.
const codeThrottling = "ThrottlingException"

// FailedError names the events a Publish did not put on the bus, each with
// the reason EventBridge gave ("NotSent" for events after a failed batch).
// Publish returns it wrapped in an *events.Error.
type FailedError struct {
	IDs     []string
	Reasons []string
}

// Error lists the failed events as "id (reason)".
func (e *FailedError) Error() string {
	parts := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		parts[i] = id + " (" + e.Reasons[i] + ")"
	}
	return "events not published: " + strings.Join(parts, ", ")
}

// Publish puts evs on the bus in order, in batches within the PutEvents
// limits, retrying only the entries that failed. It returns nil when every
// event was accepted, and otherwise Throttled (every failure throttling)
// or PublishFailed, wrapping a *FailedError. An event that cannot be
// encoded gives InvalidArgument; one too large for PutEvents, PublishFailed.
func (p *Publisher) Publish(ctx context.Context, evs []events.Event) error {
	entries, err := p.entries(evs)
	if err != nil {
		return err
	}
	sent := 0
	for _, batch := range batches(entries) {
		if failed := p.send(ctx, batch); failed != nil {
			return failed.err(entries[sent+len(batch):])
		}
		sent += len(batch)
	}
	return nil
}

// failure is what is left of a batch after its retries.
type failure struct {
	entries []entry
	reasons []string
	cause   error
}

// err builds Publish's error, also naming the entries never sent.
func (f *failure) err(notSent []entry) error {
	fe := &FailedError{}
	code := events.CodeThrottled
	for i, e := range f.entries {
		fe.IDs, fe.Reasons = append(fe.IDs, e.id), append(fe.Reasons, f.reasons[i])
		if f.reasons[i] != codeThrottling {
			code = events.CodePublishFailed
		}
	}
	for _, e := range notSent {
		fe.IDs, fe.Reasons = append(fe.IDs, e.id), append(fe.Reasons, "NotSent")
	}
	cause := error(fe)
	if f.cause != nil {
		cause = errors.Join(fe, f.cause)
	}
	return events.Wrap(code, cause, "eventbridge: PutEvents failed for "+itoa(len(f.entries))+" of the events")
}

// send puts batch, sending the entries that failed with a retryable code
// again after a backoff. It returns nil when all were accepted.
func (p *Publisher) send(ctx context.Context, batch []entry) *failure {
	final := &failure{}
	backoff := p.backoff
	for attempt := 1; len(batch) > 0; attempt++ {
		f := p.put(ctx, batch)
		if f == nil {
			break
		}
		retry := final.keep(f)
		if len(retry.entries) == 0 || attempt == p.attempts {
			final.add(retry)
			break
		}
		if err := sleep(ctx, backoff); err != nil {
			final.add(retry)
			final.cause = errors.Join(final.cause, err)
			break
		}
		batch, backoff = retry.entries, 2*backoff
	}
	if len(final.entries) == 0 {
		return nil
	}
	return final
}

// keep adds to f the failures of g that retrying cannot fix, and returns
// the others. A failed call (already retried by the SDK) is kept whole.
func (f *failure) keep(g *failure) *failure {
	if g.cause != nil {
		f.add(g)
		f.cause = errors.Join(f.cause, g.cause)
		return &failure{}
	}
	retry := &failure{}
	for i, e := range g.entries {
		into := f
		if retryableEntry(g.reasons[i]) {
			into = retry
		}
		into.entries, into.reasons = append(into.entries, e), append(into.reasons, g.reasons[i])
	}
	return retry
}

func (f *failure) add(g *failure) {
	f.entries, f.reasons = append(f.entries, g.entries...), append(f.reasons, g.reasons...)
}

// retryableEntry reports whether an entry error code is one EventBridge
// documents as retryable.
func retryableEntry(code string) bool {
	return code == codeThrottling || code == "InternalFailure"
}

// put makes one PutEvents call and returns the entries that failed.
func (p *Publisher) put(ctx context.Context, batch []entry) *failure {
	reqs := make([]types.PutEventsRequestEntry, len(batch))
	for i, e := range batch {
		reqs[i] = e.req
	}
	out, err := p.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: reqs})
	if err != nil {
		return callFailure(batch, err)
	}
	if out.FailedEntryCount == 0 {
		return nil
	}
	f := &failure{}
	for i, r := range out.Entries {
		if r.ErrorCode != nil && i < len(batch) {
			f.entries = append(f.entries, batch[i])
			f.reasons = append(f.reasons, aws.ToString(r.ErrorCode))
		}
	}
	if len(f.entries) == 0 { // a count without entries: trust the count, fail all
		return callFailure(batch, errors.New("PutEvents reported failed entries but named none"))
	}
	return f
}

// callFailure fails every entry of batch with the call's error.
func callFailure(batch []entry, err error) *failure {
	reason := "RequestFailed"
	var api smithy.APIError
	if errors.As(err, &api) {
		reason = api.ErrorCode()
	}
	f := &failure{entries: batch, cause: err}
	for range batch {
		f.reasons = append(f.reasons, reason)
	}
	return f
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
