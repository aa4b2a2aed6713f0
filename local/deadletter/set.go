package deadletter

import (
	"context"
	"sort"
	"strings"

	"github.com/stepfold/stepfold/events"
)

// Set is the dead-letter queues of every domain, behind one admin API. A
// message is named "<domain>:<id>"; a bare id is enough when one domain
// alone has it. Build it with NewSet.
type Set struct {
	redrivers []*Redriver
}

// NewSet returns the set of the given domains' redrivers.
func NewSet(rs ...*Redriver) *Set { return &Set{redrivers: rs} }

// List returns every domain's messages, each domain's oldest first, the
// domains in order.
func (s *Set) List(ctx context.Context) ([]Message, error) {
	var out []Message
	for _, r := range s.redrivers {
		ms, err := r.q.List(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// Get returns the named message.
func (s *Set) Get(ctx context.Context, name string) (Message, error) {
	r, id, err := s.find(ctx, name)
	if err != nil {
		return Message{}, err
	}
	return r.q.Get(ctx, id)
}

// Redrive redrives the named message (see Redriver.Redrive).
func (s *Set) Redrive(ctx context.Context, name string) (Result, error) {
	r, id, err := s.find(ctx, name)
	if err != nil {
		return Result{}, err
	}
	return r.Redrive(ctx, id)
}

// RedriveAll redrives every message of every domain and reports each.
func (s *Set) RedriveAll(ctx context.Context) ([]Result, error) {
	var out []Result
	for _, r := range s.redrivers {
		res, err := r.RedriveAll(ctx)
		out = append(out, res...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// find resolves a message name to its domain's redriver and its id there.
func (s *Set) find(ctx context.Context, name string) (*Redriver, string, error) {
	if domain, id, ok := strings.Cut(name, ":"); ok {
		for _, r := range s.redrivers {
			if r.q.domain == domain {
				return r, id, nil
			}
		}
		return nil, "", notFound(name)
	}
	var found []*Redriver
	for _, r := range s.redrivers {
		if _, err := r.q.Get(ctx, name); err == nil {
			found = append(found, r)
		} else if events.ErrorCode(err) != CodeMessageNotFound {
			return nil, "", err
		}
	}
	switch len(found) {
	case 0:
		return nil, "", notFound(name)
	case 1:
		return found[0], name, nil
	}
	names := make([]string, len(found))
	for i, r := range found {
		names[i] = Message{Domain: r.q.domain, ID: name}.Name()
	}
	sort.Strings(names)
	return nil, "", events.Errorf(events.CodeInvalidArgument, "id %s names a dead letter in more than one domain; say which: %s", name, strings.Join(names, ", "))
}
