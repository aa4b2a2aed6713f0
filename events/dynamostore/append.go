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

// Append stores evs as the versions after expected and records commandID
// as applied, with the fingerprint fp of its request, in one transaction
// with any snapshot due. See events.EventStore for the contract. The
// dedupe item is put only if absent, so of two requests racing with one
// command id one transaction wins; the other reads the winner's item and
// is a duplicate when the fingerprints match and IdempotencyKeyReused when
// they differ. It returns InvalidArgument (also for more than MaxEvents
// events) or EventTooLarge for bad input, VersionConflict when a version
// after expected is taken or expected is not the account's latest version,
// Throttled, StoreUnavailable when a table is missing, and EventTooLarge
// when an item is over DynamoDB's 400 KB or the transaction over 4 MB.
func (s *Store) Append(ctx context.Context, account string, expected int64, evs []events.Event, commandID string, fp events.Fingerprint) (events.Appended, error) {
	if err := events.CheckAppend(account, expected, evs, commandID, fp); err != nil {
		return events.Appended{}, err
	}
	if len(evs) > MaxEvents {
		return events.Appended{}, events.Errorf(events.CodeInvalidArgument,
			"append to %s has %d events; one DynamoDB transaction takes at most %d", account, len(evs), MaxEvents)
	}
	t, err := s.loadTail(ctx, account)
	if err != nil {
		return events.Appended{}, err
	}
	cmd := appliedCommand{id: commandID, fp: fp}
	if t.last != expected {
		return s.duplicateOr(ctx, account, cmd, events.Errorf(events.CodeVersionConflict,
			"append to %s expected version %d, but the latest is %d", account, expected, t.last))
	}
	stored := stamp(evs, s.now().UTC(), t.recorded)
	writes, err := transactItems(s.eventsTable, t.history, stored, cmd)
	if err != nil {
		return events.Appended{}, err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: writes})
	if err != nil {
		return s.failed(ctx, account, expected, cmd, len(stored), err)
	}
	return events.Appended{Events: stored}, nil
}

// appliedCommand is the command an Append records: its id and the
// fingerprint of its request.
type appliedCommand struct {
	id string
	fp events.Fingerprint
}

// stamp returns copies of evs with RecordedAt set to now, but always after
// prev and after one another.
func stamp(evs []events.Event, now, prev time.Time) []events.Event {
	out := make([]events.Event, len(evs))
	for i, e := range evs {
		if !now.After(prev) {
			now = prev.Add(time.Nanosecond)
		}
		e.RecordedAt, prev = now, now
		out[i] = e
	}
	return out
}

// transactItems builds a conditional Put per event, carrying the snapshots
// due, and the Put of the dedupe item, with the fingerprint, last.
func transactItems(table string, h events.History, evs []events.Event, cmd appliedCommand) ([]types.TransactWriteItem, error) {
	snaps, err := events.Snapshots(h, evs)
	if err != nil {
		return nil, err
	}
	writes := make([]types.TransactWriteItem, 0, len(evs)+1)
	for _, e := range evs {
		var snap *events.State
		if events.SnapshotDue(e.Version) && len(snaps) > 0 {
			snap, snaps = &snaps[0], snaps[1:]
		}
		it, err := eventItem(e, snap)
		if err != nil {
			return nil, err
		}
		writes = append(writes, putNew(table, it, attrVersion))
	}
	first, last := evs[0], evs[len(evs)-1]
	return append(writes, putNew(table, commandItem(first.Account, cmd, first.Version, last.Version), attrAccount)), nil
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

// failed classifies a failed transaction of n events. A dedupe item that
// already exists makes it a duplicate: the original events are returned.
func (s *Store) failed(ctx context.Context, account string, expected int64, cmd appliedCommand, n int, err error) (events.Appended, error) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return events.Appended{}, storeErr("append to "+account, err)
	}
	reasons := tce.CancellationReasons
	if len(reasons) == n+1 && aws.ToString(reasons[n].Code) == reasonConditionFailed {
		return s.duplicateOr(ctx, account, cmd, nil)
	}
	code := cancelCode(reasons)
	msg := "dynamostore: append to " + account + " was cancelled"
	if code == events.CodeVersionConflict {
		msg = "dynamostore: append to " + account + " lost a race: a version after " + itoa(expected) + " is taken"
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
// to account (IdempotencyKeyReused if it was applied for another request),
// and otherwise fails with otherwise.
func (s *Store) duplicateOr(ctx context.Context, account string, cmd appliedCommand, otherwise error) (events.Appended, error) {
	evs, err := s.Command(ctx, account, cmd.id, cmd.fp)
	switch {
	case err != nil:
		return events.Appended{}, err
	case evs != nil:
		return events.Appended{Events: evs, Duplicate: true}, nil
	case otherwise != nil:
		return events.Appended{}, otherwise
	}
	return events.Appended{}, events.Errorf(events.CodeInternal,
		"dynamostore: command %s of %s failed its dedupe condition but is not stored", cmd.id, account)
}
