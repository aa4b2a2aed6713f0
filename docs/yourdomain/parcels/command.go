package parcels

import "github.com/stepfold/stepfold/events"

// Command types.
const (
	Label   = "Label"
	Ship    = "Ship"
	Deliver = "Deliver"
)

// Command is an intent to change one parcel. The generic route builds it:
// type and fields from the body, parcelId from the path, commandId from
// the Idempotency-Key header, correlationId from the request id.
type Command struct {
	Type          string `json:"type"`
	ParcelID      string `json:"parcelId"`
	CommandID     string `json:"commandId"`
	CorrelationID string `json:"correlationId,omitempty"`
	Address       string `json:"address,omitempty"`
	WeightGrams   int64  `json:"weightGrams,omitempty"`
}

// Meta implements events.Command.
func (c Command) Meta() events.CommandMeta {
	return events.CommandMeta{Type: c.Type, Stream: c.ParcelID, ID: c.CommandID, CorrelationID: c.CorrelationID}
}

// Decode reads a command strictly: an unknown or misspelt field, a field
// given twice or a value of the wrong type is an InvalidCommand.
func (Domain) Decode(data []byte) (Command, error) {
	var c Command
	err := events.DecodeStrict(data, &c, "command")
	return c, err
}

// Status is where a parcel is.
type Status string

// The statuses, in order.
const (
	StatusLabelled  Status = "labelled"
	StatusInTransit Status = "in-transit"
	StatusDelivered Status = "delivered"
)

// State is a parcel, folded from its events.
type State struct {
	Parcel      string `json:"parcel"`
	Version     int64  `json:"version"`
	Status      Status `json:"status"`
	Address     string `json:"address"`
	WeightGrams int64  `json:"weightGrams"`
}

// Initial is the state of a parcel with no events.
func (Domain) Initial() State { return State{} }
