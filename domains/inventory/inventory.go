// Package inventory is stepfold's second domain: the stock of a warehouse,
// per SKU, and the reservations held against it, which are confirmed,
// released or expire.
//
// A warehouse is a stream. Receiving stock adds to a SKU's quantity on hand;
// a reservation sets stock aside until a deadline, if enough is available
// (on hand, less what is reserved). Confirming a reservation ships its
// stock, which records two events: ReservationConfirmed and StockShipped.
// A reservation past its deadline can be expired, which frees its stock.
//
// The package implements events.Domain and imports only the events.
package inventory

import (
	"time"

	"github.com/stepfold/stepfold/events"
)

// Domain is the inventory domain; its zero value is ready to use.
type Domain struct{}

var _ events.Domain[State, Command] = Domain{}

// Rejection codes.
const (
	CodeWarehouseNotFound     events.Code = "WarehouseNotFound"
	CodeInsufficientStock     events.Code = "InsufficientStock"
	CodeReservationExists     events.Code = "ReservationExists"
	CodeReservationNotFound   events.Code = "ReservationNotFound"
	CodeReservationNotExpired events.Code = "ReservationNotExpired"
)

// Info describes the domain.
func (Domain) Info() events.Info {
	return events.Info{
		Name: "inventory", Source: "stepfold.inventory", StreamKey: "warehouse", Noun: "warehouse",
		Events: []events.EventDef{
			events.Def[StockReceived](), events.Def[StockReserved](), events.Def[ReservationConfirmed](),
			events.Def[StockShipped](), events.Def[ReservationReleased](), events.Def[ReservationExpired](),
		},
		Rejections: []events.Rejection{
			{Code: CodeInsufficientStock, Status: 422}, {Code: CodeReservationExists, Status: 409},
			{Code: CodeReservationNotFound, Status: 404}, {Code: CodeReservationNotExpired, Status: 409},
		},
		NotFound: CodeWarehouseNotFound,
		Routes: events.Routes{
			Collection: "warehouses", CommandStreamKey: "warehouseId",
			Fields: []string{"sku", "quantity", "reservationId", "expiresAt", "occurredAt"},
		},
		Rules: rules,
	}
}

// rules routes every inventory event to the archive, and expiries to an
// archive of their own.
var rules = []byte(`{
  "source": "stepfold.inventory",
  "rules": [
    {"name": "archive-inventory-events", "description": "Every inventory event goes to the archive, from which it can be replayed.",
     "eventPattern": {"source": ["stepfold.inventory"]}, "target": "archive"},
    {"name": "reservations-lapsed", "description": "Expired reservations go to the archive of lapsed reservations, for follow-up.",
     "eventPattern": {"source": ["stepfold.inventory"], "detail-type": ["ReservationExpired"]}, "target": "lapsed"}
  ],
  "targets": {"lapsed": {"archive": true}}
}`)

// Command types.
const (
	ReceiveStock       = "ReceiveStock"
	Reserve            = "Reserve"
	ConfirmReservation = "ConfirmReservation"
	ReleaseReservation = "ReleaseReservation"
	ExpireReservation  = "ExpireReservation"
)

// Command is an intent to change one warehouse.
type Command struct {
	Type          string    `json:"type"`
	WarehouseID   string    `json:"warehouseId"`
	CommandID     string    `json:"commandId"`
	CorrelationID string    `json:"correlationId,omitempty"`
	OccurredAt    time.Time `json:"occurredAt,omitzero"`
	SKU           string    `json:"sku,omitempty"`
	Quantity      int64     `json:"quantity,omitempty"`
	ReservationID string    `json:"reservationId,omitempty"`
	// ExpiresAt is when a reservation lapses (Reserve only).
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// Meta implements events.Command.
func (c Command) Meta() events.CommandMeta {
	return events.CommandMeta{Type: c.Type, Stream: c.WarehouseID, ID: c.CommandID, CorrelationID: c.CorrelationID, OccurredAt: c.OccurredAt}
}

// Decode reads a command strictly.
func (Domain) Decode(data []byte) (Command, error) {
	var c Command
	err := events.DecodeStrict(data, &c, "command")
	return c, err
}

// State is a warehouse folded from its events.
type State struct {
	Warehouse    string                 `json:"warehouse"`
	Version      int64                  `json:"version"`
	Stock        map[string]Level       `json:"stock"`
	Reservations map[string]Reservation `json:"reservations"`
}

// Level is the stock of one SKU.
type Level struct {
	OnHand   int64 `json:"onHand"`
	Reserved int64 `json:"reserved"`
}

// Available is what can still be reserved.
func (l Level) Available() int64 { return l.OnHand - l.Reserved }

// Reservation is stock set aside until ExpiresAt.
type Reservation struct {
	SKU       string    `json:"sku"`
	Quantity  int64     `json:"quantity"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Initial is the state of a warehouse with no events.
func (Domain) Initial() State {
	return State{Stock: map[string]Level{}, Reservations: map[string]Reservation{}}
}
