package dynamostore

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
)

// head is the end of a stream's log that Append builds on: its latest
// version (0 for a new stream) and that event's RecordedAt.
type head struct {
	version  int64
	recorded time.Time
}

// latest reads the stream's newest event item, only its version and
// RecordedAt, with one strongly consistent Query.
func (s *Store) latest(ctx context.Context, stream string) (head, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#s = :s"),
		ProjectionExpression:      aws.String("#v, #r"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStream, "#v": attrVersion, "#r": attrRecordedAt},
		ExpressionAttributeValues: item{":s": str(stream)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(1),
	})
	if err != nil || len(out.Items) == 0 {
		return head{}, storeErr("read the latest version of "+stream, err)
	}
	d := decoder{it: out.Items[0]}
	h := head{version: d.num(attrVersion), recorded: d.time(attrRecordedAt)}
	return h, d.err
}

// Load returns the latest snapshot and the events after it, from one
// strongly consistent Query that reads the newest events down to the
// snapshot. It returns InvalidArgument for a bad stream id.
func (s *Store) Load(ctx context.Context, stream string) (events.History, error) {
	if err := checkStream(stream); err != nil {
		return events.History{}, err
	}
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStream},
		ExpressionAttributeValues: item{":s": str(stream)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(events.SnapshotEvery),
	})
	if err != nil {
		return events.History{}, storeErr("load "+stream, err)
	}
	return history(stream, out.Items)
}

// history decodes items, newest first, down to the first snapshot.
func history(stream string, items []item) (events.History, error) {
	var h events.History
	var newestFirst []events.Event
	for _, it := range items {
		snap, ok, err := decodeState(it, attrSnapshot)
		if err != nil {
			return events.History{}, err
		}
		if ok {
			h.Snapshot = snap
			break
		}
		e, err := decodeEvent(it)
		if err != nil {
			return events.History{}, err
		}
		newestFirst = append(newestFirst, e)
	}
	slices.Reverse(newestFirst)
	h.Events = newestFirst
	if len(newestFirst) > 0 && newestFirst[0].Version != h.Snapshot.Version+1 {
		return events.History{}, events.Errorf(events.CodeInternal,
			"dynamostore: %s has no snapshot below version %d", stream, newestFirst[0].Version)
	}
	return h, nil
}

// Command returns the events that commandID produced on stream, or nil
// when it was never applied there. It returns InvalidArgument for bad ids
// and IdempotencyKeyReused when the command was recorded with a
// fingerprint other than fp (and fp is not "").
func (s *Store) Command(ctx context.Context, stream, commandID string, fp events.Fingerprint) ([]events.Event, error) {
	if err := checkStream(stream); err != nil {
		return nil, err
	}
	if err := events.CheckID(events.CodeInvalidArgument, "command id", commandID); err != nil {
		return nil, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.eventsTable,
		Key:            commandKey(stream, commandID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		return nil, storeErr("command "+commandID+" of "+stream, err)
	}
	d := decoder{it: out.Item}
	first, last := d.num(attrFirst), d.num(attrLast)
	stored := events.Fingerprint(d.optStr(attrFingerprint))
	if d.err != nil {
		return nil, d.err
	}
	if err := events.SameRequest(stream, commandID, stored, fp); err != nil {
		return nil, err
	}
	return s.read(ctx, stream, first, int(last-first+1))
}

// Snapshot returns the latest snapshot at or before version, or the zero
// Snapshot when there is none. It returns InvalidArgument for a bad stream
// id.
func (s *Store) Snapshot(ctx context.Context, stream string, version int64) (events.Snapshot, error) {
	if err := checkStream(stream); err != nil {
		return events.Snapshot{}, err
	}
	at := floorSnapshot(version)
	if at == 0 {
		return events.Snapshot{}, nil
	}
	// The newest item at or below at tells which snapshot exists: at itself,
	// or, when the log is shorter, the one below the log's end.
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#s = :s AND #v <= :v"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStream, "#v": attrVersion},
		ExpressionAttributeValues: item{":s": str(stream), ":v": num(at)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
		Limit:                     aws.Int32(1),
	})
	if err != nil || len(out.Items) == 0 {
		return events.Snapshot{}, storeErr("snapshot of "+stream, err)
	}
	return s.snapshotAt(ctx, stream, out.Items[0])
}

// snapshotAt returns the snapshot of it, or of the snapshot version below it.
func (s *Store) snapshotAt(ctx context.Context, stream string, it item) (events.Snapshot, error) {
	d := decoder{it: it}
	v := d.num(attrVersion)
	if d.err != nil {
		return events.Snapshot{}, d.err
	}
	if at := floorSnapshot(v); at != v {
		if at == 0 {
			return events.Snapshot{}, nil
		}
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: &s.eventsTable, Key: key(stream, at), ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			return events.Snapshot{}, storeErr("snapshot of "+stream, err)
		}
		it = out.Item
	}
	snap, ok, err := decodeState(it, attrSnapshot)
	if err == nil && !ok {
		err = events.Errorf(events.CodeInternal, "dynamostore: %s has no snapshot at or below version %d", stream, v)
	}
	return snap, err
}

func floorSnapshot(version int64) int64 {
	if version < events.SnapshotEvery {
		return 0
	}
	return version - version%events.SnapshotEvery
}

// Read returns up to limit events of stream from version from, in order.
// It returns InvalidArgument for input that fails events.CheckRead.
func (s *Store) Read(ctx context.Context, stream string, from int64, limit int) ([]events.Event, error) {
	if err := events.CheckRead(stream, from, limit); err != nil {
		return nil, err
	}
	return s.read(ctx, stream, from, limit)
}

// read queries up to limit events from version from, following
// LastEvaluatedKey across DynamoDB's 1 MB pages.
func (s *Store) read(ctx context.Context, stream string, from int64, limit int) ([]events.Event, error) {
	in := &dynamodb.QueryInput{
		TableName:                 &s.eventsTable,
		KeyConditionExpression:    aws.String("#s = :s AND #v >= :v"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStream, "#v": attrVersion},
		ExpressionAttributeValues: item{":s": str(stream), ":v": num(from)},
		ConsistentRead:            aws.Bool(true),
	}
	var evs []events.Event
	for len(evs) < limit {
		in.Limit = aws.Int32(int32(limit - len(evs)))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, storeErr("read "+stream, err)
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

// Streams returns up to limit stream ids after the id after, in ascending
// byte order. DynamoDB scans have no order, so every call scans the whole
// table for version-1 items and sorts their streams: fine for rebuilds.
// It returns InvalidArgument for a limit outside 1..events.MaxReadLimit.
func (s *Store) Streams(ctx context.Context, after string, limit int) ([]string, error) {
	if limit < 1 || limit > events.MaxReadLimit {
		return nil, events.Errorf(events.CodeInvalidArgument, "streams limit %d must be between 1 and %d", limit, events.MaxReadLimit)
	}
	all, err := s.scanStreams(ctx, after)
	if err != nil {
		return nil, err
	}
	slices.Sort(all)
	return slices.Clip(all[:min(limit, len(all))]), nil
}

// scanStreams returns, unordered, every stream after after.
func (s *Store) scanStreams(ctx context.Context, after string) ([]string, error) {
	in := &dynamodb.ScanInput{
		TableName:                 &s.eventsTable,
		ProjectionExpression:      aws.String("#s"),
		FilterExpression:          aws.String("#v = :one"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStream, "#v": attrVersion},
		ExpressionAttributeValues: item{":one": num(1)},
		ConsistentRead:            aws.Bool(true),
	}
	if after != "" {
		in.FilterExpression = aws.String("#v = :one AND #s > :after")
		in.ExpressionAttributeValues[":after"] = str(after)
	}
	var ids []string
	for {
		out, err := s.db.Scan(ctx, in)
		if err != nil {
			return nil, storeErr("scan streams", err)
		}
		for _, it := range out.Items {
			d := decoder{it: it}
			if id := d.str(attrStream); d.err == nil {
				ids = append(ids, id)
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return ids, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func checkStream(stream string) error {
	return events.CheckID(events.CodeInvalidArgument, "stream id", stream)
}
