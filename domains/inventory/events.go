package inventory

import "time"

// StockReceived adds Quantity of SKU to the stock on hand.
type StockReceived struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// StockReserved sets Quantity of SKU aside for a reservation.
type StockReserved struct {
	ReservationID string    `json:"reservationId"`
	SKU           string    `json:"sku"`
	Quantity      int64     `json:"quantity"`
	ExpiresAt     time.Time `json:"expiresAt"`
}

// ReservationConfirmed ends a reservation whose stock ships.
type ReservationConfirmed struct {
	ReservationID string `json:"reservationId"`
}

// StockShipped takes Quantity of SKU off the stock on hand.
type StockShipped struct {
	SKU           string `json:"sku"`
	Quantity      int64  `json:"quantity"`
	ReservationID string `json:"reservationId"`
}

// ReservationReleased ends a reservation and frees its stock.
type ReservationReleased struct {
	ReservationID string `json:"reservationId"`
}

// ReservationExpired ends a reservation past its deadline and frees its
// stock.
type ReservationExpired struct {
	ReservationID string `json:"reservationId"`
}

// EventType implements core.Data.
func (StockReceived) EventType() string { return "StockReceived" }

// EventType implements core.Data.
func (StockReserved) EventType() string { return "StockReserved" }

// EventType implements core.Data.
func (ReservationConfirmed) EventType() string { return "ReservationConfirmed" }

// EventType implements core.Data.
func (StockShipped) EventType() string { return "StockShipped" }

// EventType implements core.Data.
func (ReservationReleased) EventType() string { return "ReservationReleased" }

// EventType implements core.Data.
func (ReservationExpired) EventType() string { return "ReservationExpired" }
