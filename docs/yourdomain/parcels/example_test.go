package parcels_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stepfold/stepfold/docs/yourdomain/parcels"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

// The domain over the local store, through the four tasks that its state
// machine runs: a parcel labelled before the weight moved to grams (its
// event is at schema 1) ships and is delivered, and a second delivery is
// refused.
func Example() {
	dir, _ := os.MkdirTemp("", "parcels")
	defer os.RemoveAll(dir)
	store, err := boltstore.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	ctx := context.Background()

	// What the build before the change wrote.
	old := events.Event{ID: "p-1:1", Stream: "p-1", Version: 1, Type: "ParcelLabelled", SchemaVersion: 1,
		OccurredAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), CommandID: "c-1",
		Data: []byte(`{"address":"1 Main St","weightKg":1.2}`)}
	if _, err := store.Append(ctx, events.Batch{Stream: "p-1", Events: []events.Event{old}, CommandID: "c-1"}); err != nil {
		fmt.Println(err)
		return
	}

	pub := &eventstest.Recorder{}
	svc, err := tasks.New(parcels.Domain{}, store, store, pub)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range []string{
		`{"type":"Ship","parcelId":"p-1","commandId":"c-2"}`,
		`{"type":"Deliver","parcelId":"p-1","commandId":"c-3"}`,
		`{"type":"Deliver","parcelId":"p-1","commandId":"c-4"}`,
	} {
		if _, err := taskstest.Run(ctx, svc, []byte(c)); err != nil {
			fmt.Println("refused:", err)
		}
	}
	state, _ := svc.State(ctx, "p-1")
	fmt.Println(string(state))
	fmt.Println("published:", pub.IDs())
	// Output:
	// refused: NotInTransit: parcel p-1 is delivered, not in transit
	// {"parcel":"p-1","version":3,"status":"delivered","address":"1 Main St","weightGrams":1200}
	// published: [p-1:2 p-1:3]
}
