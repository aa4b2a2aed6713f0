package inventory_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/domaintest"
)

var (
	now   = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	later = now.Add(time.Hour)
)

func cmd(typ string, f func(*inventory.Command)) inventory.Command {
	c := inventory.Command{Type: typ, WarehouseID: "w-1", CommandID: "c-1"}
	if f != nil {
		f(&c)
	}
	return c
}

func TestDecide(t *testing.T) {
	received := inventory.StockReceived{SKU: "sku-1", Quantity: 5}
	reserved := inventory.StockReserved{ReservationID: "r-1", SKU: "sku-1", Quantity: 3, ExpiresAt: later}
	reserve := func(q int64) inventory.Command {
		return cmd(inventory.Reserve, func(c *inventory.Command) {
			c.ReservationID, c.SKU, c.Quantity, c.ExpiresAt = "r-2", "sku-1", q, later
		})
	}
	settle := func(typ string) inventory.Command {
		return cmd(typ, func(c *inventory.Command) { c.ReservationID = "r-1" })
	}
	tests := []struct {
		name  string
		given []events.Data
		when  inventory.Command
		at    time.Time
		then  []events.Data
		code  events.Code
	}{
		{"receive", nil, cmd(inventory.ReceiveStock, func(c *inventory.Command) { c.SKU, c.Quantity = "sku-1", 5 }), now,
			[]events.Data{received}, ""},
		{"receive needs a quantity", nil, cmd(inventory.ReceiveStock, func(c *inventory.Command) { c.SKU = "sku-1" }), now,
			nil, events.CodeInvalidCommand},
		{"reserve in an empty warehouse", nil, reserve(1), now, nil, inventory.CodeWarehouseNotFound},
		{"reserve what is available", []events.Data{received}, reserve(5), now,
			[]events.Data{inventory.StockReserved{ReservationID: "r-2", SKU: "sku-1", Quantity: 5, ExpiresAt: later}}, ""},
		{"reserve more than is available", []events.Data{received, reserved}, reserve(3), now, nil, inventory.CodeInsufficientStock},
		{"reserve an id twice", []events.Data{received, reserved},
			cmd(inventory.Reserve, func(c *inventory.Command) { c.ReservationID, c.SKU, c.Quantity, c.ExpiresAt = "r-1", "sku-1", 1, later }),
			now, nil, inventory.CodeReservationExists},
		{"reserve with a past deadline", []events.Data{received},
			cmd(inventory.Reserve, func(c *inventory.Command) { c.ReservationID, c.SKU, c.Quantity, c.ExpiresAt = "r-2", "sku-1", 1, now }),
			now, nil, events.CodeInvalidCommand},
		{"confirm ships: two events", []events.Data{received, reserved}, settle(inventory.ConfirmReservation), now,
			[]events.Data{inventory.ReservationConfirmed{ReservationID: "r-1"}, inventory.StockShipped{SKU: "sku-1", Quantity: 3, ReservationID: "r-1"}}, ""},
		{"release", []events.Data{received, reserved}, settle(inventory.ReleaseReservation), now,
			[]events.Data{inventory.ReservationReleased{ReservationID: "r-1"}}, ""},
		{"expire before the deadline", []events.Data{received, reserved}, settle(inventory.ExpireReservation), now,
			nil, inventory.CodeReservationNotExpired},
		{"expire at the deadline", []events.Data{received, reserved}, settle(inventory.ExpireReservation), later,
			[]events.Data{inventory.ReservationExpired{ReservationID: "r-1"}}, ""},
		{"settle an unknown reservation", []events.Data{received}, settle(inventory.ReleaseReservation), now,
			nil, inventory.CodeReservationNotFound},
		{"settle twice", []events.Data{received, reserved, inventory.ReservationReleased{ReservationID: "r-1"}},
			settle(inventory.ConfirmReservation), now, nil, inventory.CodeReservationNotFound},
		{"unknown type", []events.Data{received}, cmd("Steal", nil), now, nil, events.CodeInvalidCommand},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domaintest.When(inventory.Domain{}, tc.at, tc.given, tc.when)
			if code := events.ErrorCode(err); code != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if !reflect.DeepEqual(got, tc.then) {
				t.Errorf("events\n got %#v\nwant %#v", got, tc.then)
			}
		})
	}
}

func TestEvolve(t *testing.T) {
	given := []events.Data{
		inventory.StockReceived{SKU: "a", Quantity: 10},
		inventory.StockReceived{SKU: "b", Quantity: 4},
		inventory.StockReserved{ReservationID: "r-1", SKU: "a", Quantity: 6, ExpiresAt: later},
		inventory.StockReserved{ReservationID: "r-2", SKU: "a", Quantity: 3, ExpiresAt: later},
		inventory.StockReserved{ReservationID: "r-3", SKU: "b", Quantity: 4, ExpiresAt: later},
		inventory.ReservationConfirmed{ReservationID: "r-1"},
		inventory.StockShipped{SKU: "a", Quantity: 6, ReservationID: "r-1"},
		inventory.ReservationReleased{ReservationID: "r-2"},
		inventory.ReservationExpired{ReservationID: "r-3"},
	}
	s, _, err := domaintest.Given(inventory.Domain{}, "w-1", now, given...)
	if err != nil {
		t.Fatal(err)
	}
	want := inventory.State{
		Warehouse: "w-1", Version: 9,
		Stock:        map[string]inventory.Level{"a": {OnHand: 4}, "b": {OnHand: 4}},
		Reservations: map[string]inventory.Reservation{},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("state\n got %+v\nwant %+v", s, want)
	}
}

func TestEvolveDoesNotChangeEarlierStates(t *testing.T) {
	d := inventory.Domain{}
	before, _, err := domaintest.Given(d, "w-1", now, inventory.StockReceived{SKU: "a", Quantity: 1})
	if err != nil {
		t.Fatal(err)
	}
	snapshot := before.Stock["a"]
	after := d.Evolve(before, events.Fact{Event: events.Event{Stream: "w-1", Version: 2}, Data: inventory.StockReceived{SKU: "a", Quantity: 5}})
	if before.Stock["a"] != snapshot || after.Stock["a"].OnHand != 6 {
		t.Errorf("before %+v, after %+v: Evolve changed the state it was given", before.Stock, after.Stock)
	}
}

func TestDecodeIsStrict(t *testing.T) {
	for _, body := range []string{
		`{"type":"ReceiveStock","warehouseId":"w","commandId":"c","sku":"a","quantity":1,"bogus":1}`,
		`{"type":"ReceiveStock","warehouseId":"w","commandId":"c","sku":"a","quantity":"1"}`,
	} {
		if _, err := (inventory.Domain{}).Decode([]byte(body)); !errors.Is(err, events.ErrInvalidCommand) {
			t.Errorf("Decode(%s) = %v, want InvalidCommand", body, err)
		}
	}
}
