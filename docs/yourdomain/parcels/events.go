package parcels

import (
	"encoding/json"
	"math"
)

// Labelled is the data of ParcelLabelled, at schema 2: the weight is in
// grams. Schema 1 held it in kilograms, as weightKg.
type Labelled struct {
	Address     string `json:"address"`
	WeightGrams int64  `json:"weightGrams"`
}

// Shipped is the data of ParcelShipped.
type Shipped struct{}

// Delivered is the data of ParcelDelivered.
type Delivered struct{}

// EventType implements events.Data.
func (Labelled) EventType() string { return "ParcelLabelled" }

// EventType implements events.Data.
func (Shipped) EventType() string { return "ParcelShipped" }

// EventType implements events.Data.
func (Delivered) EventType() string { return "ParcelDelivered" }

// labelledV1ToV2 reads ParcelLabelled as schema 1 wrote it, so that events
// stored before the change fold as schema 2.
func labelledV1ToV2(data json.RawMessage) (json.RawMessage, error) {
	var v1 struct {
		Address  string  `json:"address"`
		WeightKg float64 `json:"weightKg"`
	}
	if err := json.Unmarshal(data, &v1); err != nil {
		return nil, err
	}
	return json.Marshal(Labelled{Address: v1.Address, WeightGrams: int64(math.Round(v1.WeightKg * 1000))})
}
