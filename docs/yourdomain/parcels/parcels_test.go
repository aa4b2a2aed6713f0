package parcels_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/stepfold/stepfold/docs/yourdomain/parcels"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/domaintest"
)

var now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func TestDecide(t *testing.T) {
	labelled := parcels.Labelled{Address: "1 Main St", WeightGrams: 1200}
	cmd := func(typ string) parcels.Command { return parcels.Command{Type: typ, ParcelID: "p-1", CommandID: "c-1"} }
	label := parcels.Command{Type: parcels.Label, ParcelID: "p-1", CommandID: "c-1", Address: "1 Main St", WeightGrams: 1200}
	tests := []struct {
		name  string
		given []events.Data
		when  parcels.Command
		then  []events.Data
		code  events.Code
	}{
		{"label", nil, label, []events.Data{labelled}, ""},
		{"relabel before shipping", []events.Data{labelled}, label, []events.Data{labelled}, ""},
		{"relabel after shipping", []events.Data{labelled, parcels.Shipped{}}, label, nil, parcels.CodeAlreadyShipped},
		{"label without a weight", nil, parcels.Command{Type: parcels.Label, ParcelID: "p-1", CommandID: "c-1", Address: "x"}, nil, events.CodeInvalidCommand},
		{"ship", []events.Data{labelled}, cmd(parcels.Ship), []events.Data{parcels.Shipped{}}, ""},
		{"ship a parcel with no label", nil, cmd(parcels.Ship), nil, parcels.CodeParcelNotFound},
		{"ship twice", []events.Data{labelled, parcels.Shipped{}}, cmd(parcels.Ship), nil, parcels.CodeAlreadyShipped},
		{"ship with an address", []events.Data{labelled}, parcels.Command{Type: parcels.Ship, ParcelID: "p-1", CommandID: "c-1", Address: "x"}, nil, events.CodeInvalidCommand},
		{"deliver", []events.Data{labelled, parcels.Shipped{}}, cmd(parcels.Deliver), []events.Data{parcels.Delivered{}}, ""},
		{"deliver before shipping", []events.Data{labelled}, cmd(parcels.Deliver), nil, parcels.CodeNotInTransit},
		{"deliver twice", []events.Data{labelled, parcels.Shipped{}, parcels.Delivered{}}, cmd(parcels.Deliver), nil, parcels.CodeNotInTransit},
		{"unknown type", []events.Data{labelled}, cmd("Lose"), nil, events.CodeInvalidCommand},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domaintest.When(parcels.Domain{}, now, tc.given, tc.when)
			if code := events.ErrorCode(err); code != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if !reflect.DeepEqual(got, tc.then) {
				t.Errorf("events %#v, want %#v", got, tc.then)
			}
		})
	}
}

func TestPlay(t *testing.T) {
	d := parcels.Domain{}
	s, facts, err := domaintest.Play(d, now,
		parcels.Command{Type: parcels.Label, ParcelID: "p-1", CommandID: "c-1", Address: "1 Main St", WeightGrams: 1200},
		parcels.Command{Type: parcels.Ship, ParcelID: "p-1", CommandID: "c-2"},
		parcels.Command{Type: parcels.Deliver, ParcelID: "p-1", CommandID: "c-3"},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := parcels.State{Parcel: "p-1", Version: 3, Status: parcels.StatusDelivered, Address: "1 Main St", WeightGrams: 1200}
	if s != want || len(facts) != 3 || facts[2].Event.Type != "ParcelDelivered" {
		t.Errorf("state %+v after %d events, want %+v after 3", s, len(facts), want)
	}
}

// TestUpcast reads a ParcelLabelled stored at schema 1, with the weight in
// kilograms, as schema 2.
func TestUpcast(t *testing.T) {
	var def events.EventDef
	for _, d := range (parcels.Domain{}).Info().Events {
		if d.Type == "ParcelLabelled" {
			def = d
		}
	}
	if def.Schema != 2 {
		t.Fatalf("ParcelLabelled is at schema %d, want 2", def.Schema)
	}
	old := events.Event{ID: "p-1:1", Stream: "p-1", Version: 1, Type: "ParcelLabelled", SchemaVersion: 1,
		Data: []byte(`{"address":"1 Main St","weightKg":1.25}`)}
	f, err := def.Read(old)
	if err != nil {
		t.Fatal(err)
	}
	if want := (parcels.Labelled{Address: "1 Main St", WeightGrams: 1250}); f.Data != want || f.Event.SchemaVersion != 2 {
		t.Errorf("read %+v at schema %d, want %+v at 2", f.Data, f.Event.SchemaVersion, want)
	}
	old.Data = []byte(`{"address":"1 Main St","weightKg":"heavy"}`)
	if _, err := def.Read(old); !errors.Is(err, events.ErrInternal) {
		t.Errorf("Read of undecodable schema-1 data = %v, want Internal", err)
	}
}

func TestDecodeIsStrict(t *testing.T) {
	for _, body := range []string{
		`{"type":"Label","parcelId":"p-1","commandId":"c-1","address":"x","weightGrams":1,"colour":"red"}`,
		`{"type":"Label","parcelId":"p-1","commandId":"c-1","address":"x","weightgrams":1}`,
		`{"type":"Label","parcelId":"p-1","commandId":"c-1","address":"x","weightGrams":1.5}`,
		`{"type":"Label","type":"Ship","parcelId":"p-1","commandId":"c-1"}`,
	} {
		if _, err := (parcels.Domain{}).Decode([]byte(body)); !errors.Is(err, events.ErrInvalidCommand) {
			t.Errorf("Decode(%s) = %v, want InvalidCommand", body, err)
		}
	}
}
