package pipeline_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
)

// TestInventory runs the second domain through the same definition on the
// interpreter: a reservation, its confirmation (two events), a reservation
// the stock cannot cover, and an expiry.
func TestInventory(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	pub := &eventstest.Recorder{}
	svc, err := tasks.New(inventory.Domain{}, st, st, pub, tasks.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{m: newMachine(t, "inventory", svc, st.DeadLetters(), &virtualClock{now: t0}), store: st, dlq: st.DeadLetters(), pub: pub}
	soon, later := t0.Add(time.Minute), t0.Add(time.Hour)
	cmd := func(typ, id string, f func(*inventory.Command)) inventory.Command {
		c := inventory.Command{Type: typ, WarehouseID: "w-1", CommandID: id}
		f(&c)
		return c
	}
	h.mustSucceed(t,
		cmd(inventory.ReceiveStock, "c1", func(c *inventory.Command) { c.SKU, c.Quantity = "apple", 10 }),
		cmd(inventory.Reserve, "c2", func(c *inventory.Command) { c.ReservationID, c.SKU, c.Quantity, c.ExpiresAt = "r-1", "apple", 6, later }),
		cmd(inventory.Reserve, "c3", func(c *inventory.Command) { c.ReservationID, c.SKU, c.Quantity, c.ExpiresAt = "r-2", "apple", 3, soon }),
		cmd(inventory.ConfirmReservation, "c4", func(c *inventory.Command) { c.ReservationID = "r-1" }),
	)
	ex := h.run(t, cmd(inventory.Reserve, "c5", func(c *inventory.Command) { c.ReservationID, c.SKU, c.Quantity, c.ExpiresAt = "r-3", "apple", 2, later }))
	if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != string(inventory.CodeInsufficientStock) {
		t.Fatalf("a reservation beyond the stock: %s %s %s", ex.Status, deref(ex.Error), deref(ex.Cause))
	}
	h.mustSucceed(t, cmd(inventory.ExpireReservation, "c6", func(c *inventory.Command) { c.ReservationID, c.OccurredAt = "r-2", soon }))
	if got := h.log(t, "w-1"); !sameTypes(got, "StockReceived", "StockReserved", "StockReserved", "ReservationConfirmed", "StockShipped", "ReservationExpired") {
		t.Errorf("log = %v", typesOf(got))
	}
	raw, err := svc.State(context.Background(), "w-1")
	var s inventory.State
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	if err != nil || s.Stock["apple"] != (inventory.Level{OnHand: 4}) || len(s.Reservations) != 0 || s.Version != 6 {
		t.Errorf("state = %+v, %v; want 4 apples on hand, nothing reserved, at version 6", s, err)
	}
	if ids := pub.IDs(); len(ids) != 6 {
		t.Errorf("published %v, want the 6 events", ids)
	}
}
