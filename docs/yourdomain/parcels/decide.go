package parcels

import "github.com/stepfold/stepfold/events"

// Decide applies the rules to c against the parcel s.
func (Domain) Decide(s State, c Command, in events.Input) ([]events.Data, error) {
	if c.Type != Label && (c.Address != "" || c.WeightGrams != 0) {
		return nil, events.Errorf(events.CodeInvalidCommand, "only Label takes an address and a weight")
	}
	if c.Type != Label && in.Version == 0 {
		return nil, events.Errorf(CodeParcelNotFound, "parcel %s has no label", c.ParcelID)
	}
	switch c.Type {
	case Label:
		if c.Address == "" || c.WeightGrams <= 0 {
			return nil, events.Errorf(events.CodeInvalidCommand, "Label needs an address and a positive weightGrams")
		}
		if in.Version > 0 && s.Status != StatusLabelled {
			return nil, events.Errorf(CodeAlreadyShipped, "parcel %s is %s; its label cannot change", c.ParcelID, s.Status)
		}
		return []events.Data{Labelled{Address: c.Address, WeightGrams: c.WeightGrams}}, nil
	case Ship:
		if s.Status != StatusLabelled {
			return nil, events.Errorf(CodeAlreadyShipped, "parcel %s is %s", c.ParcelID, s.Status)
		}
		return []events.Data{Shipped{}}, nil
	case Deliver:
		if s.Status != StatusInTransit {
			return nil, events.Errorf(CodeNotInTransit, "parcel %s is %s, not in transit", c.ParcelID, s.Status)
		}
		return []events.Data{Delivered{}}, nil
	}
	return nil, events.Errorf(events.CodeInvalidCommand, "unknown command type %q; want %s, %s or %s", c.Type, Label, Ship, Deliver)
}

// Evolve returns the parcel after f.
func (Domain) Evolve(s State, f events.Fact) State {
	s.Parcel, s.Version = f.Event.Stream, f.Event.Version
	switch d := f.Data.(type) {
	case Labelled:
		s.Status, s.Address, s.WeightGrams = StatusLabelled, d.Address, d.WeightGrams
	case Shipped:
		s.Status = StatusInTransit
	case Delivered:
		s.Status = StatusDelivered
	}
	return s
}
