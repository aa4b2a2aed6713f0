package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/stepfold/stepfold/events"
)

// Queue is the dead-letter queue inside a Store's file. It is a separate
// type because events.DeadLetters and events.StateStore both name a method
// Get, so one type cannot implement both. Get it with Store.DeadLetters.
type Queue struct{ s *Store }

// DeadLetters returns the store's dead-letter queue. It shares the file,
// the group commit and the lifetime of s.
func (s *Store) DeadLetters() *Queue { return &Queue{s: s} }

// Send implements events.DeadLetters. The id is the message's sequence
// number in the file, as 20 decimal digits, so ids sort like the messages.
// Errors: StoreUnavailable.
func (q *Queue) Send(ctx context.Context, body string) (string, error) {
	s := q.s
	var id string
	err := s.write(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDLQ)
		seq, err := b.NextSequence()
		if err != nil {
			return &writeFailure{err}
		}
		id = fmt.Sprintf("%020d", seq)
		v, err := json.Marshal(events.DeadLetter{ID: id, Body: body, Received: s.now().UTC()})
		if err != nil {
			return &writeFailure{err}
		}
		return put(b, key(int64(seq)), v)
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// List implements events.DeadLetters: every stored message, oldest first.
// Errors: StoreUnavailable, Internal.
func (q *Queue) List(ctx context.Context) ([]events.DeadLetter, error) {
	var out []events.DeadLetter
	err := q.s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDLQ).ForEach(func(_, v []byte) error {
			m, err := decodeLetter(v)
			out = append(out, m)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Get implements events.DeadLetters. An id no message has gives NotFound,
// and one this store cannot have made InvalidArgument. Other errors:
// StoreUnavailable, Internal.
func (q *Queue) Get(ctx context.Context, id string) (events.DeadLetter, error) {
	k, err := letterKey(id)
	if err != nil {
		return events.DeadLetter{}, err
	}
	var m events.DeadLetter
	err = q.s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDLQ).Get(k)
		if v == nil {
			return events.Errorf(events.CodeNotFound, "no dead letter %s", id)
		}
		m, err = decodeLetter(v)
		return err
	})
	return m, err
}

// Delete implements events.DeadLetters. Deleting a missing message is not an
// error; a malformed id is InvalidArgument. Other errors: StoreUnavailable.
func (q *Queue) Delete(ctx context.Context, id string) error {
	k, err := letterKey(id)
	if err != nil {
		return err
	}
	return q.s.write(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketDLQ).Delete(k); err != nil {
			return &writeFailure{err}
		}
		return nil
	})
}

func decodeLetter(v []byte) (events.DeadLetter, error) {
	var m events.DeadLetter
	if err := json.Unmarshal(v, &m); err != nil {
		return m, events.Wrap(events.CodeInternal, err, "stored dead letter cannot be decoded")
	}
	return m, nil
}

func letterKey(id string) ([]byte, error) {
	seq, err := strconv.ParseUint(id, 10, 63)
	if err != nil || len(id) != 20 {
		return nil, events.Errorf(events.CodeInvalidArgument, "dead letter id %q is not one this store made", id)
	}
	return key(int64(seq)), nil
}
