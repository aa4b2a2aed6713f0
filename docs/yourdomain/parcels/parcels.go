// Package parcels is the domain of docs/your-domain.md: a parcel tracker. A
// parcel is labelled with an address and a weight, shipped and delivered.
// Its label cannot change once it has shipped, and it is delivered only
// while in transit.
//
// The package implements events.Domain and imports only the events.
package parcels

import (
	"net/http"

	"github.com/stepfold/stepfold/events"
)

// Domain is the parcel tracker; its zero value is ready to use.
type Domain struct{}

var _ events.Domain[State, Command] = Domain{}

// Rejection codes: the command was understood and refused.
const (
	CodeParcelNotFound events.Code = "ParcelNotFound"
	CodeAlreadyShipped events.Code = "AlreadyShipped"
	CodeNotInTransit   events.Code = "NotInTransit"
)

// Info describes the domain to stepfold: its names, events, rejections,
// routes and rules.
func (Domain) Info() events.Info {
	return events.Info{
		Name: "parcels", Source: "acme.parcels", StreamKey: "parcel", Noun: "parcel",
		Events: []events.EventDef{
			events.Def[Labelled](labelledV1ToV2), events.Def[Shipped](), events.Def[Delivered](),
		},
		Rejections: []events.Rejection{
			{Code: CodeAlreadyShipped, Status: http.StatusConflict},
			{Code: CodeNotInTransit, Status: http.StatusConflict},
		},
		NotFound: CodeParcelNotFound,
		// No Commands: the generic route, POST /parcels/{id}/commands,
		// takes the command's type and these fields from the body.
		Routes: events.Routes{Collection: "parcels", CommandStreamKey: "parcelId", Fields: []string{"address", "weightGrams"}},
		Rules:  rules,
	}
}

// rules archives every parcel event, and keeps the deliveries in an
// archive of their own.
var rules = []byte(`{
  "source": "acme.parcels",
  "rules": [
    {"name": "archive-parcels", "description": "Every parcel event, for replay.",
     "eventPattern": {"source": ["acme.parcels"]}, "target": "archive"},
    {"name": "parcels-delivered", "description": "Deliveries, for billing.",
     "eventPattern": {"source": ["acme.parcels"], "detail-type": ["ParcelDelivered"]}, "target": "deliveries"}
  ],
  "targets": {"deliveries": {"archive": true}}
}`)
