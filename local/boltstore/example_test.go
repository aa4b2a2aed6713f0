package boltstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
)

func Example() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	s, err := boltstore.Open(filepath.Join(dir, "stepfold.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	// One command's events, as the tasks make them. Their data is the
	// domain's JSON, which the store keeps without reading it.
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	var evs []events.Event
	for v := int64(1); v <= 11; v++ {
		evs = append(evs, events.Event{ID: events.EventID("cart-1", v), Stream: "cart-1", Version: v,
			Type: "ItemAdded", SchemaVersion: 1, OccurredAt: at, CommandID: "c-1", Data: json.RawMessage(`{"sku":"tea"}`)})
	}
	// The events reach version 10, so the batch carries the state there,
	// as the domain folded it.
	b := events.Batch{Stream: "cart-1", Expected: 0, Events: evs, CommandID: "c-1",
		Snapshots: []events.Snapshot{{Version: 10, State: json.RawMessage(`{"items":10}`), LastOccurredAt: at}}}

	ctx := context.Background()
	for range 2 { // the second time is a retry
		got, err := s.Append(ctx, b)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(len(got.Events), "events, duplicate:", got.Duplicate)
	}
	h, err := s.Load(ctx, "cart-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("snapshot at %d: %s, then %s\n", h.Snapshot.Version, h.Snapshot.State, h.Events[0].ID)
	// Output:
	// 11 events, duplicate: false
	// 11 events, duplicate: true
	// snapshot at 10: {"items":10}, then cart-1:11
}
