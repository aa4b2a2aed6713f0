package inventory

import (
	"maps"

	"github.com/stepfold/stepfold/events"
)

// Decide applies the rules to c against the warehouse s.
func (Domain) Decide(s State, c Command, in events.Input) ([]events.Data, error) {
	if c.Type != ReceiveStock && in.Version == 0 {
		return nil, events.Errorf(CodeWarehouseNotFound, "warehouse %s has no stock yet", c.WarehouseID)
	}
	switch c.Type {
	case ReceiveStock:
		if err := c.require(c.SKU != "" && c.Quantity > 0 && c.ReservationID == "" && c.ExpiresAt.IsZero(), "a sku and a positive quantity, and nothing else"); err != nil {
			return nil, err
		}
		return []events.Data{StockReceived{SKU: c.SKU, Quantity: c.Quantity}}, nil
	case Reserve:
		return reserve(s, c, in)
	case ConfirmReservation, ReleaseReservation, ExpireReservation:
		return settle(s, c, in)
	}
	return nil, events.Errorf(events.CodeInvalidCommand, "unknown command type %q; want %s, %s, %s, %s or %s",
		c.Type, ReceiveStock, Reserve, ConfirmReservation, ReleaseReservation, ExpireReservation)
}

func reserve(s State, c Command, in events.Input) ([]events.Data, error) {
	if err := c.require(c.ReservationID != "" && c.SKU != "" && c.Quantity > 0 && c.ExpiresAt.After(in.At), "a reservationId, a sku, a positive quantity and an expiresAt after its time"); err != nil {
		return nil, err
	}
	if _, ok := s.Reservations[c.ReservationID]; ok {
		return nil, events.Errorf(CodeReservationExists, "reservation %s is already held", c.ReservationID)
	}
	if free := s.Stock[c.SKU].Available(); free < c.Quantity {
		return nil, events.Errorf(CodeInsufficientStock, "warehouse %s has %d of %s available; cannot reserve %d", c.WarehouseID, free, c.SKU, c.Quantity)
	}
	return []events.Data{StockReserved{ReservationID: c.ReservationID, SKU: c.SKU, Quantity: c.Quantity, ExpiresAt: c.ExpiresAt.UTC()}}, nil
}

// settle ends a reservation: it ships, is released, or lapses.
func settle(s State, c Command, in events.Input) ([]events.Data, error) {
	if err := c.require(c.ReservationID != "" && c.SKU == "" && c.Quantity == 0 && c.ExpiresAt.IsZero(), "a reservationId, and nothing else"); err != nil {
		return nil, err
	}
	r, ok := s.Reservations[c.ReservationID]
	if !ok {
		return nil, events.Errorf(CodeReservationNotFound, "warehouse %s holds no reservation %s", c.WarehouseID, c.ReservationID)
	}
	id := c.ReservationID
	switch c.Type {
	case ConfirmReservation:
		return []events.Data{ReservationConfirmed{ReservationID: id}, StockShipped{SKU: r.SKU, Quantity: r.Quantity, ReservationID: id}}, nil
	case ReleaseReservation:
		return []events.Data{ReservationReleased{ReservationID: id}}, nil
	}
	if in.At.Before(r.ExpiresAt) {
		return nil, events.Errorf(CodeReservationNotExpired, "reservation %s holds until %s", id, r.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	return []events.Data{ReservationExpired{ReservationID: id}}, nil
}

// require rejects a command whose fields do not fit its type.
func (c Command) require(ok bool, what string) error {
	if ok {
		return nil
	}
	return events.Errorf(events.CodeInvalidCommand, "%s needs %s", c.Type, what)
}

// Evolve returns the warehouse after f. It copies the maps it changes, so
// that a state once returned never changes.
func (Domain) Evolve(s State, f events.Fact) State {
	s.Warehouse, s.Version = f.Event.Stream, f.Event.Version
	switch d := f.Data.(type) {
	case StockReceived:
		s.Stock = adjust(s.Stock, d.SKU, d.Quantity, 0)
	case StockReserved:
		s.Stock = adjust(s.Stock, d.SKU, 0, d.Quantity)
		s.Reservations = maps.Clone(s.Reservations)
		s.Reservations[d.ReservationID] = Reservation{SKU: d.SKU, Quantity: d.Quantity, ExpiresAt: d.ExpiresAt}
	case ReservationConfirmed:
		s = s.end(d.ReservationID, false)
	case StockShipped:
		s.Stock = adjust(s.Stock, d.SKU, -d.Quantity, -d.Quantity)
	case ReservationReleased:
		s = s.end(d.ReservationID, true)
	case ReservationExpired:
		s = s.end(d.ReservationID, true)
	}
	return s
}

// end removes a reservation, and frees its stock unless it ships.
func (s State) end(id string, free bool) State {
	r := s.Reservations[id]
	s.Reservations = maps.Clone(s.Reservations)
	delete(s.Reservations, id)
	if free {
		s.Stock = adjust(s.Stock, r.SKU, 0, -r.Quantity)
	}
	return s
}

// adjust returns a copy of stock with sku's levels moved by the deltas.
func adjust(stock map[string]Level, sku string, onHand, reserved int64) map[string]Level {
	out := maps.Clone(stock)
	if out == nil {
		out = map[string]Level{}
	}
	l := out[sku]
	l.OnHand += onHand
	l.Reserved += reserved
	out[sku] = l
	return out
}
