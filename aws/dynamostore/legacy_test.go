package dynamostore

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stepfold/stepfold/events"
)

// legacyState is a snapshot as the earlier layout stored it: a string
// attribute holding the bank account's state as JSON, with its running
// maximum inside.
const legacyState = `{"account":"old","version":10,"status":"open","currency":"EUR","balance":900,` +
	`"openedAt":"2026-11-23T10:01:00Z","lastOccurredAt":"2026-11-23T10:30:00Z"}`

// TestLegacyItems reads tables written in the earlier layout, where the
// store encoded the account's state itself: the state comes back as it
// was stored, with LastOccurredAt from inside it, and new appends build on
// the old log.
func TestLegacyItems(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	stored := stamp(testEvents("old", 1, 12, "c-old"), t0, time.Time{})
	for _, e := range stored {
		it := eventItem(e, nil)
		if e.Version == 10 {
			it[attrSnapshot] = str(legacyState)
		}
		putItem(t, s, s.eventsTable, it)
	}
	putItem(t, s, s.stateTable, item{attrStream: str("old"), attrVersion: num(10), attrState: str(legacyState)})
	want := events.Snapshot{Version: 10, State: json.RawMessage(legacyState), LastOccurredAt: t0.Add(30 * time.Minute)}

	h, err := s.Load(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Load's snapshot", h.Snapshot, want)
	if !equalEvents(h.Events, stored[10:]) {
		t.Fatalf("Load events = %+v; want versions 11 and 12", h.Events)
	}
	snap, err := s.Snapshot(ctx, "old", 15)
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Snapshot(15)", snap, want)
	got, err := s.Get(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Get", got, want)

	if _, err := s.Append(ctx, batchOf("old", 12, 8, "c-new")); err != nil {
		t.Fatalf("Append after the old events: %v", err)
	}
	if h, err = s.Load(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "Load after the append", h.Snapshot, snapshotAt(20))
}

func putItem(t *testing.T, s *Store, table string, it item) {
	t.Helper()
	if _, err := s.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &table, Item: it}); err != nil {
		t.Fatal(err)
	}
}
