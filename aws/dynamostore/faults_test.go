package dynamostore

import (
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
)

// interceptor is an http.RoundTripper under the real SDK client. Before
// each DynamoDB call it asks fault, with the operation name and how many
// times it was called; a non-nil response is returned instead of the call.
type interceptor struct {
	fault func(op string, call int) *http.Response

	mu    sync.Mutex
	calls map[string]int
}

func (in *interceptor) RoundTrip(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	in.mu.Lock()
	if in.calls == nil {
		in.calls = map[string]int{}
	}
	in.calls[op]++
	call := in.calls[op]
	in.mu.Unlock()
	if resp := in.fault(op, call); resp != nil {
		resp.Request = req
		return resp, nil
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (in *interceptor) count(op string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.calls[op]
}

// awsError is a DynamoDB error response as the service sends it (JSON 1.0
// protocol): status 400, the shape name in __type, and extra fields.
func awsError(typ, message string, extra map[string]any) *http.Response {
	body := map[string]any{"__type": typ, "message": message}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amzn-Requestid", "FAULT0000000000000000000000000000000000000000000000000")
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10))
	return &http.Response{
		Status: "400 Bad Request", StatusCode: 400, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(strings.NewReader(string(b))), ContentLength: int64(len(b)),
	}
}

const (
	typeThroughput = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
	typeThrottling = "com.amazon.coral.availability#ThrottlingException"
	typeLimit      = "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded"
	typeCancelled  = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"
)

func throttledTransaction() *http.Response {
	return awsError(typeCancelled, "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]",
		map[string]any{"CancellationReasons": []map[string]string{
			{"Code": "None"},
			{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity of your table or index."},
		}})
}

func TestThrottling(t *testing.T) {
	tests := []struct {
		name string
		op   string
		resp func() *http.Response
		call func(ctx context.Context, s *Store) error
	}{
		{"Load: ProvisionedThroughputExceeded", "Query",
			func() *http.Response {
				return awsError(typeThroughput, "The level of configured provisioned throughput for the table was exceeded.", nil)
			},
			func(ctx context.Context, s *Store) error { _, err := s.Load(ctx, "s"); return err }},
		{"Get: ThrottlingException", "GetItem",
			func() *http.Response {
				return awsError(typeThrottling, "Rate of requests exceeds the allowed throughput.", nil)
			},
			func(ctx context.Context, s *Store) error { _, err := s.Get(ctx, "s"); return err }},
		{"Put: RequestLimitExceeded", "PutItem",
			func() *http.Response {
				return awsError(typeLimit, "Throughput exceeds the current throughput limit for your account.", nil)
			},
			func(ctx context.Context, s *Store) error {
				_, err := s.Put(ctx, "s", snapshotAt(1))
				return err
			}},
		{"Append: transaction item throttled", "TransactWriteItems", throttledTransaction,
			func(ctx context.Context, s *Store) error {
				_, err := s.Append(ctx, batchOf("s", 0, 1, "c1"))
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &interceptor{fault: func(op string, _ int) *http.Response {
				if op == tt.op {
					return tt.resp()
				}
				return nil
			}}
			s := newTestStoreWith(t, clientOptions{httpClient: &http.Client{Transport: in}, maxAttempts: 1})
			err := tt.call(context.Background(), s)
			if !errors.Is(err, events.ErrThrottled) {
				t.Fatalf("err = %v; want Throttled", err)
			}
			if in.count(tt.op) != 1 {
				t.Fatalf("%s called %d times; want 1", tt.op, in.count(tt.op))
			}
		})
	}
}

// TestThrottlingRetriedBySDK shows that the SDK's own retries absorb one
// throttled call before the store sees it.
func TestThrottlingRetriedBySDK(t *testing.T) {
	in := &interceptor{fault: func(op string, call int) *http.Response {
		if op == "Query" && call == 1 {
			return awsError(typeThroughput, "throttled once", nil)
		}
		return nil
	}}
	s := newTestStoreWith(t, clientOptions{httpClient: &http.Client{Transport: in}, maxAttempts: 3})
	if _, err := s.Load(context.Background(), "s"); err != nil {
		t.Fatalf("Load after one throttle: %v", err)
	}
	if in.count("Query") != 2 {
		t.Fatalf("Query called %d times; want 2", in.count("Query"))
	}
}

// TestCancelledTransactionWritesNothing lets a competing writer take
// version 2 between Append's read and its transaction: the transaction is
// cancelled, and neither version 3 nor the dedupe item is stored.
func TestCancelledTransactionWritesNothing(t *testing.T) {
	var rival *Store
	in := &interceptor{fault: func(op string, call int) *http.Response {
		if op == "TransactWriteItems" && call == 2 {
			_, err := rival.Append(context.Background(), batchOf("s", 1, 1, "rival"))
			if err != nil {
				t.Errorf("rival append: %v", err)
			}
		}
		return nil
	}}
	s := newTestStoreWith(t, clientOptions{httpClient: &http.Client{Transport: in}, maxAttempts: 1})
	rival, _ = New(localClient(t, clientOptions{}), s.eventsTable, s.stateTable)
	ctx := context.Background()
	if _, err := s.Append(ctx, batchOf("s", 0, 1, "open")); err != nil {
		t.Fatal(err)
	}
	_, err := s.Append(ctx, batchOf("s", 1, 2, "mine"))
	if !errors.Is(err, events.ErrVersionConflict) {
		t.Fatalf("Append that lost the race: %v, want VersionConflict", err)
	}
	for name, k := range map[string]item{"version 3": key("s", 3), "dedupe item": commandKey("s", "mine")} {
		out, err := rival.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.eventsTable, Key: k, ConsistentRead: aws.Bool(true)})
		if err != nil || out.Item != nil {
			t.Errorf("%s after the cancelled transaction: %v, %v; want no item", name, out.Item, err)
		}
	}
	h, _ := s.Load(ctx, "s")
	if len(h.Events) != 2 || h.Events[1].CommandID != "rival" {
		t.Fatalf("log after the race = %+v; want open then rival", h.Events)
	}
}

func TestMissingTable(t *testing.T) {
	s, err := New(localClient(t, clientOptions{maxAttempts: 1}), "no-such-events-table", "no-such-state-table")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	calls := map[string]func() error{
		"Load":     func() error { _, err := s.Load(ctx, "s"); return err },
		"Append":   func() error { _, err := s.Append(ctx, batchOf("s", 0, 1, "c")); return err },
		"Command":  func() error { _, err := s.Command(ctx, "s", "c", ""); return err },
		"Snapshot": func() error { _, err := s.Snapshot(ctx, "s", 10); return err },
		"Read":     func() error { _, err := s.Read(ctx, "s", 1, 10); return err },
		"Streams":  func() error { _, err := s.Streams(ctx, "", 10); return err },
		"Get":      func() error { _, err := s.Get(ctx, "s"); return err },
		"Put":      func() error { _, err := s.Put(ctx, "s", snapshotAt(1)); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, events.ErrStoreUnavailable) {
			t.Errorf("%s on a missing table: %v; want StoreUnavailable", name, err)
		}
	}
}

// TestItemTooLarge stores batches that pass events.CheckBatch but break
// DynamoDB's limits: 400 KB per item (data and snapshot states are stored
// byte for byte, so white space counts; a snapshot shares its event's
// item) and 4 MB per transaction.
func TestItemTooLarge(t *testing.T) {
	big := func(n int, pad int, ws bool) events.Batch {
		b := batchOf("s", 0, n, "big")
		for i := range b.Events {
			if ws {
				b.Events[i].Data = json.RawMessage(`{"n":1}` + strings.Repeat(" ", pad))
			} else {
				b.Events[i].Data = json.RawMessage(`{"n":1,"reference":"` + strings.Repeat("x", pad) + `"}`)
			}
		}
		return b
	}
	bigSnapshot := batchOf("s", 0, 10, "big")
	bigSnapshot.Snapshots[0].State = json.RawMessage(`{"items":"` + strings.Repeat("x", 420_000) + `"}`)
	tests := []struct {
		name string
		b    events.Batch
	}{
		{"item over 400 KB", big(1, 420_000, true)},
		{"transaction over 4 MB", big(17, 250_000, false)},
		{"snapshot over 400 KB", bigSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			ctx := context.Background()
			_, err := s.Append(ctx, tt.b)
			if !errors.Is(err, events.ErrEventTooLarge) {
				t.Fatalf("Append = %v; want EventTooLarge", err)
			}
			t.Log(err)
			if h, err := s.Load(ctx, "s"); err != nil || len(h.Events) != 0 {
				t.Fatalf("after a rejected append: %d events, %v", len(h.Events), err)
			}
			if cmd, err := s.Command(ctx, "s", "big", ""); err != nil || cmd != nil {
				t.Fatalf("the rejected command was recorded: %+v, %v", cmd, err)
			}
		})
	}
}

// TestStateTooLarge puts a read-model state over DynamoDB's 400 KB item
// limit: EventTooLarge, and the stored state stays.
func TestStateTooLarge(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, "s", snapshotAt(1)); err != nil {
		t.Fatal(err)
	}
	huge := events.Snapshot{Version: 2, State: json.RawMessage(`"` + strings.Repeat("x", 420_000) + `"`)}
	if _, err := s.Put(ctx, "s", huge); !errors.Is(err, events.ErrEventTooLarge) {
		t.Fatalf("Put of a 420 KB state = %v; want EventTooLarge", err)
	}
	if got, err := s.Get(ctx, "s"); err != nil || got.Version != 1 {
		t.Fatalf("after the refused Put: version %d, %v; want 1", got.Version, err)
	}
}

func TestTooManyEvents(t *testing.T) {
	s, _ := New(dynamodb.New(dynamodb.Options{Region: "us-east-1"}), "e", "s")
	_, err := s.Append(context.Background(), batchOf("s", 0, MaxEvents+1, "c"))
	if !errors.Is(err, events.ErrInvalidArgument) {
		t.Fatalf("Append of %d events: %v; want InvalidArgument", MaxEvents+1, err)
	}
}

func TestUnreachable(t *testing.T) {
	client := dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("http://127.0.0.1:1"),
		Credentials:      credentials.NewStaticCredentialsProvider("local", "local", ""),
		RetryMaxAttempts: 1,
	})
	s, _ := New(client, "e", "s")
	if _, err := s.Load(context.Background(), "s"); !errors.Is(err, events.ErrStoreUnavailable) {
		t.Fatalf("Load from an unreachable endpoint: %v; want StoreUnavailable", err)
	}
}
