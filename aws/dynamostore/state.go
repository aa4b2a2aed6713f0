package dynamostore

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stepfold/stepfold/events"
)

// Get returns the stored state of stream from the state table, read
// strongly consistently. It returns NotFound when there is none,
// InvalidArgument for a bad id, StoreUnavailable or Throttled.
func (s *Store) Get(ctx context.Context, stream string) (events.Snapshot, error) {
	if err := checkStream(stream); err != nil {
		return events.Snapshot{}, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.stateTable,
		Key:            item{attrStream: str(stream)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return events.Snapshot{}, storeErr("get state of "+stream, err)
	}
	if out.Item == nil {
		return events.Snapshot{}, events.Errorf(events.CodeNotFound, "stream %s has no state", stream)
	}
	snap, ok, err := decodeState(out.Item, attrState)
	if err == nil && !ok {
		err = events.Errorf(events.CodeInternal, "dynamostore: the state item of %s has no %q attribute", stream, attrState)
	}
	return snap, err
}

// Put stores snap as the state of stream only if the stored version is
// below snap.Version, with one conditional write. It reports false, and
// no error, when the stored state is as new or newer. It returns
// InvalidArgument for input that fails events.CheckSnapshot,
// StoreUnavailable, Throttled, or EventTooLarge for a state over
// DynamoDB's 400 KB item limit.
func (s *Store) Put(ctx context.Context, stream string, snap events.Snapshot) (bool, error) {
	if err := events.CheckSnapshot(stream, snap); err != nil {
		return false, err
	}
	it := item{attrStream: str(stream), attrVersion: num(snap.Version)}
	putState(it, attrState, snap)
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 &s.stateTable,
		Item:                      it,
		ConditionExpression:       aws.String("attribute_not_exists(#s) OR #v < :v"),
		ExpressionAttributeNames:  map[string]string{"#s": attrStream, "#v": attrVersion},
		ExpressionAttributeValues: item{":v": num(snap.Version)},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, storeErr("put state of "+stream, err)
	}
	return true, nil
}
