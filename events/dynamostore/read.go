package dynamostore

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
)

// tail is the end of an account's log: what Load returns, plus the latest
// version and its RecordedAt, which Append builds on.
type tail struct {
	history  events.History
	last     int64
	recorded time.Time
}

// Load returns the latest snapshot and the events after it, from one
// strongly consistent Query that reads the newest events down to the
// snapshot. It returns InvalidArgument for a bad account id.
func (s *Store) Load(ctx context.Context, account string) (events.History, error) {
	if err := checkAccount(account); err != nil {
		return events.History{}, err
	}
	t, err := s.loadTail(ctx, account)
	return t.history, err
}

func (s *Store) loadTail(ctx context.Context, account string) (tail, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#a = :a"),
		ExpressionAttributeNames:  map[string]string{"#a": attrAccount},
		ExpressionAttributeValues: item{":a": str(account)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(events.SnapshotEvery),
	})
	if err != nil {
		return tail{}, storeErr("load "+account, err)
	}
	return buildTail(account, out.Items)
}

// buildTail folds items, newest first, down to the first snapshot.
func buildTail(account string, items []item) (tail, error) {
	var t tail
	var newestFirst []events.Event
	for _, it := range items {
		e, err := decodeEvent(it)
		if err != nil {
			return tail{}, err
		}
		if t.last == 0 {
			t.last, t.recorded = e.Version, e.RecordedAt
		}
		snap, err := decodeSnapshot(it)
		if err != nil {
			return tail{}, err
		}
		if snap != nil {
			t.history.Snapshot = *snap
			break
		}
		newestFirst = append(newestFirst, e)
	}
	slices.Reverse(newestFirst)
	t.history.Events = newestFirst
	if len(newestFirst) > 0 && newestFirst[0].Version != t.history.Snapshot.Version+1 {
		return tail{}, events.Errorf(events.CodeInternal,
			"dynamostore: %s has no snapshot below version %d", account, newestFirst[0].Version)
	}
	return t, nil
}

// Command returns the events that commandID produced on account, or nil
// when it was never applied there. It returns InvalidArgument for bad ids
// and IdempotencyKeyReused when the command was recorded with a
// fingerprint other than fp (and fp is not "").
func (s *Store) Command(ctx context.Context, account, commandID string, fp events.Fingerprint) ([]events.Event, error) {
	if err := checkAccount(account); err != nil {
		return nil, err
	}
	if err := events.CheckID(events.CodeInvalidArgument, "command id", commandID); err != nil {
		return nil, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.eventsTable,
		Key:            commandKey(account, commandID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return nil, storeErr("command "+commandID+" of "+account, err)
	}
	d := decoder{it: out.Item}
	first, last := d.num(attrFirst), d.num(attrLast)
	stored := events.Fingerprint(d.optStr(attrFingerprint))
	if d.err != nil {
		return nil, d.err
	}
	if err := events.SameRequest(account, commandID, stored, fp); err != nil {
		return nil, err
	}
	return s.read(ctx, account, first, int(last-first+1))
}

// Snapshot returns the latest snapshot at or before version, or the zero
// State when there is none. It returns InvalidArgument for a bad account id.
func (s *Store) Snapshot(ctx context.Context, account string, version int64) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	at := floorSnapshot(version)
	if at == 0 {
		return events.State{}, nil
	}
	// The newest item at or below at tells which snapshot exists: at itself,
	// or, when the log is shorter, the one below the log's end.
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#a = :a AND #v <= :v"),
		ExpressionAttributeNames:  map[string]string{"#a": attrAccount, "#v": attrVersion},
		ExpressionAttributeValues: item{":a": str(account), ":v": num(at)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(1),
	})
	if err != nil || len(out.Items) == 0 {
		return events.State{}, storeErr("snapshot of "+account, err)
	}
	return s.snapshotAt(ctx, account, out.Items[0])
}

// snapshotAt returns the snapshot of it, or of the snapshot version below it.
func (s *Store) snapshotAt(ctx context.Context, account string, it item) (events.State, error) {
	d := decoder{it: it}
	v := d.num(attrVersion)
	if d.err != nil {
		return events.State{}, d.err
	}
	if at := floorSnapshot(v); at != v {
		if at == 0 {
			return events.State{}, nil
		}
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: &s.eventsTable, Key: key(account, at), ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			return events.State{}, storeErr("snapshot of "+account, err)
		}
		it = out.Item
	}
	snap, err := decodeSnapshot(it)
	if err != nil || snap == nil {
		return events.State{}, orMissing(err, account, v)
	}
	return *snap, nil
}

func orMissing(err error, account string, v int64) error {
	if err != nil {
		return err
	}
	return events.Errorf(events.CodeInternal, "dynamostore: %s has no snapshot at or below version %d", account, v)
}

func floorSnapshot(version int64) int64 {
	if version < events.SnapshotEvery {
		return 0
	}
	return version - version%events.SnapshotEvery
}

// Read returns up to limit events of account from version from, in order.
// It returns InvalidArgument for input that fails events.CheckRead.
func (s *Store) Read(ctx context.Context, account string, from int64, limit int) ([]events.Event, error) {
	if err := events.CheckRead(account, from, limit); err != nil {
		return nil, err
	}
	return s.read(ctx, account, from, limit)
}

// read queries up to limit events from version from, following
// LastEvaluatedKey across DynamoDB's 1 MB pages.
func (s *Store) read(ctx context.Context, account string, from int64, limit int) ([]events.Event, error) {
	in := &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#a = :a AND #v >= :v"),
		ExpressionAttributeNames:  map[string]string{"#a": attrAccount, "#v": attrVersion},
		ExpressionAttributeValues: item{":a": str(account), ":v": num(from)},
		ConsistentRead:            aws.Bool(true),
	}
	var evs []events.Event
	for len(evs) < limit {
		in.Limit = aws.Int32(int32(limit - len(evs)))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, storeErr("read "+account, err)
		}
		for _, it := range out.Items {
			e, err := decodeEvent(it)
			if err != nil {
				return nil, err
			}
			evs = append(evs, e)
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return evs, nil
}

// Accounts returns up to limit account ids after the id after, in ascending
// byte order. DynamoDB scans have no order, so every call scans the whole
// table for version-1 items and sorts their accounts: fine for rebuilds.
// It returns InvalidArgument for a limit outside 1..events.MaxReadLimit.
func (s *Store) Accounts(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 || limit > events.MaxReadLimit {
		return nil, events.Errorf(events.CodeInvalidArgument, "accounts limit %d must be between 1 and %d", limit, events.MaxReadLimit)
	}
	all, err := s.scanAccounts(ctx, after)
	if err != nil {
		return nil, err
	}
	slices.Sort(all)
	return slices.Clip(all[:min(limit, len(all))]), nil
}

// scanAccounts returns, unordered, every account after after.
func (s *Store) scanAccounts(ctx context.Context, after string) ([]string, error) {
	in := &dynamodb.ScanInput{
		TableName:                 &s.eventsTable,
		ProjectionExpression:      aws.String("#a"),
		FilterExpression:          aws.String("#v = :one"),
		ExpressionAttributeNames:  map[string]string{"#a": attrAccount, "#v": attrVersion},
		ExpressionAttributeValues: item{":one": num(1)},
		ConsistentRead:            aws.Bool(true),
	}
	if after != "" {
		in.FilterExpression = aws.String("#v = :one AND #a > :after")
		in.ExpressionAttributeValues[":after"] = str(after)
	}
	var ids []string
	for {
		out, err := s.db.Scan(ctx, in)
		if err != nil {
			return nil, storeErr("scan accounts", err)
		}
		for _, it := range out.Items {
			d := decoder{it: it}
			if id := d.str(attrAccount); d.err == nil {
				ids = append(ids, id)
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return ids, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func checkAccount(account string) error {
	return events.CheckID(events.CodeInvalidArgument, "account id", account)
}
