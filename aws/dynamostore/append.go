package dynamostore

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stepfold/stepfold/events"
)

// Append stores the batch's events as the versions after b.Expected, each
// snapshot on the item of the event that reaches it, and records the
// command id as applied, with the fingerprint of its request, in one
// TransactWriteItems. See events.EventStore for the contract. The dedupe
// item is put only if absent, so of two requests racing with one command
// id one transaction wins; the other reads the winner's item and is a
// duplicate when the fingerprints match and IdempotencyKeyReused when they
// differ. A command already applied is found before the snapshots are
// checked, so a retry is a duplicate whatever it carries.
//
// It returns InvalidArgument (also for more than MaxEvents events, or
// snapshots that fail events.CheckSnapshots) or EventTooLarge for bad
// input, VersionConflict when a version after b.Expected is taken or
// b.Expected is not the stream's latest version, Throttled,
// StoreUnavailable when a table is missing, and EventTooLarge when an
// item (an event with its snapshot) is over DynamoDB's 400 KB or the
// transaction over 4 MB.
func (s *Store) Append(ctx context.Context, b events.Batch) (events.Appended, error) {
	if err := events.CheckBatch(b); err != nil {
		return events.Appended{}, err
	}
	if len(b.Events) > MaxEvents {
		return events.Appended{}, events.Errorf(events.CodeInvalidArgument,
			"append to %s has %d events; one DynamoDB transaction takes at most %d", b.Stream, len(b.Events), MaxEvents)
	}
	last, err := s.latest(ctx, b.Stream)
	if err != nil {
		return events.Appended{}, err
	}
	cmd := appliedCommand{id: b.CommandID, fp: b.Fingerprint}
	if err := refuse(b, last.version); err != nil {
		return s.duplicateOr(ctx, b.Stream, cmd, err)
	}
	stored := stamp(b.Events, s.now().UTC(), last.recorded)
	writes := transactItems(s.eventsTable, stored, b.Snapshots, cmd)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
	if err != nil {
		return s.failed(ctx, b, cmd, err)
	}
	return events.Appended{Events: stored}, nil
}

// refuse returns why b cannot be applied to a stream whose latest version
// is last, if the command is not a duplicate: snapshots that do not fit its
// events, or a stale or future expected version.
func refuse(b events.Batch, last int64) error {
	if err := events.CheckSnapshots(b); err != nil {
		return err
	}
	if last != b.Expected {
		return events.Errorf(events.CodeVersionConflict,
			"append to %s expected version %d, but the latest is %d", b.Stream, b.Expected, last)
	}
	return nil
}

// appliedCommand is the command an Append records: its id and the
// fingerprint of its request.
type appliedCommand struct {
	id string
	fp events.Fingerprint
}

// stamp returns copies of evs as stored: RecordedAt set to now, but always
// after prev and after one another, and no StreamKey, which the store does
// not keep (so a duplicate's events, read back, look the same).
func stamp(evs []events.Event, now, prev time.Time) []events.Event {
	out := make([]events.Event, len(evs))
	for i, e := range evs {
		if !now.After(prev) {
			now = prev.Add(time.Nanosecond)
		}
		e.RecordedAt, prev = now, now
		e.StreamKey = ""
		out[i] = e
	}
	return out
}

// transactItems builds a conditional Put per event, each carrying its
// snapshot when one is due (snaps holds them in order, as
// events.CheckSnapshots requires), and the Put of the dedupe item, with
// the fingerprint, last.
func transactItems(table string, evs []events.Event, snaps []events.Snapshot, cmd appliedCommand) []types.TransactWriteItem {
	writes := make([]types.TransactWriteItem, 0, len(evs)+1)
	for _, e := range evs {
		var snap *events.Snapshot
		if events.SnapshotDue(e.Version) {
			snap, snaps = &snaps[0], snaps[1:]
		}
		writes = append(writes, putNew(table, eventItem(e, snap), attrVersion))
	}
	first, last := evs[0], evs[len(evs)-1]
	return append(writes, putNew(table, commandItem(first.Stream, cmd, first.Version, last.Version), attrStream))
}

// putNew is a Put of it that fails if an item with its key exists.
func putNew(table string, it item, keyAttr string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                           aws.String(table),
		Item:                                it,
		ConditionExpression:                 aws.String("attribute_not_exists(#k)"),
		ExpressionAttributeNames:            map[string]string{"#k": keyAttr},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureNone,
	}}
}

// failed classifies a failed transaction of b. A dedupe item that already
// exists makes it a duplicate: the original events are returned.
func (s *Store) failed(ctx context.Context, b events.Batch, cmd appliedCommand, err error) (events.Appended, error) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return events.Appended{}, storeErr("append to "+b.Stream, err)
	}
	n := len(b.Events)
	reasons := tce.CancellationReasons
	if len(reasons) == n+1 && aws.ToString(reasons[n].Code) == reasonConditionFailed {
		return s.duplicateOr(ctx, b.Stream, cmd, nil)
	}
	code := cancelCode(reasons)
	msg := "dynamostore: append to " + b.Stream + " was cancelled"
	if code == events.CodeVersionConflict {
		msg = "dynamostore: append to " + b.Stream + " lost a race: a version after " + itoa(b.Expected) + " is taken"
	}
	return events.Appended{}, events.Wrap(code, err, msg)
}

// cancelCode picks the code of the most telling cancellation reason.
func cancelCode(reasons []types.CancellationReason) events.Code {
	found := map[events.Code]bool{}
	for _, r := range reasons {
		if c := aws.ToString(r.Code); c != "" && c != "None" {
			found[apiCode(c, aws.ToString(r.Message))] = true
		}
	}
	for _, c := range []events.Code{events.CodeVersionConflict, events.CodeThrottled, events.CodeEventTooLarge} {
		if found[c] {
			return c
		}
	}
	return events.CodeInternal
}

// duplicateOr returns the events of cmd as a duplicate if it was applied
// to stream (IdempotencyKeyReused if it was applied for another request),
// and otherwise fails with otherwise.
func (s *Store) duplicateOr(ctx context.Context, stream string, cmd appliedCommand, otherwise error) (events.Appended, error) {
	evs, err := s.Command(ctx, stream, cmd.id, cmd.fp)
	switch {
	case err != nil:
		return events.Appended{}, err
	case evs != nil:
		return events.Appended{Events: evs, Duplicate: true}, nil
	case otherwise != nil:
		return events.Appended{}, otherwise
	}
	return events.Appended{}, events.Errorf(events.CodeInternal,
		"dynamostore: command %s of %s failed its dedupe condition but is not stored", cmd.id, stream)
}
