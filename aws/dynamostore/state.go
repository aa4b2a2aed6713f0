package dynamostore

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stepfold/stepfold/events"
)

// Get returns the stored state of account from the state table, read
// strongly consistently. It returns AccountNotFound when there is none,
// InvalidArgument for a bad id, StoreUnavailable or Throttled.
func (s *Store) Get(ctx context.Context, account string) (events.State, error) {
	if err := checkAccount(account); err != nil {
		return events.State{}, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.stateTable,
		Key:            item{attrAccount: str(account)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return events.State{}, storeErr("get state of "+account, err)
	}
	if out.Item == nil {
		return events.State{}, events.Errorf(events.CodeAccountNotFound, "account %s has no state", account)
	}
	st, err := decodeJSONState(out.Item, attrState)
	if err != nil {
		return events.State{}, err
	}
	return *st, nil
}

// Put stores st only if the stored version is below st.Version, with one
// conditional write. It reports false, and no error, when the stored state
// is as new or newer. It returns InvalidArgument for a bad account id or a
// version below 1, StoreUnavailable or Throttled.
func (s *Store) Put(ctx context.Context, st events.State) (bool, error) {
	if err := checkAccount(st.Account); err != nil {
		return false, err
	}
	if st.Version < 1 {
		return false, events.Errorf(events.CodeInvalidArgument, "state of %s has version %d; versions start at 1", st.Account, st.Version)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return false, events.Wrap(events.CodeInternal, err, "dynamostore: encode state of "+st.Account)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 &s.stateTable,
		Item:                      item{attrAccount: str(st.Account), attrVersion: num(st.Version), attrState: str(string(b))},
		ConditionExpression:       aws.String("attribute_not_exists(#a) OR #v < :v"),
		ExpressionAttributeNames:  map[string]string{"#a": attrAccount, "#v": attrVersion},
		ExpressionAttributeValues: item{":v": num(st.Version)},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, storeErr("put state of "+st.Account, err)
	}
	return true, nil
}
