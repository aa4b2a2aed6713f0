package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/hallgren/eventsourcing"
	"github.com/hallgren/eventsourcing/aggregate"

	"github.com/stepfold/stepfold/bench/peers/hallgrenbolt"
	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/local/boltstore"
)

// fingerprint stands for the request fingerprint the pipeline stores
// beside each command id: the hex SHA-256 of the command.
const fingerprint = events.Fingerprint("5f2b1c0e8d9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c")

// bigHistory is the length of the account the load workloads read.
const bigHistory = 100_000

// seedChunk is how many events one seeding append writes.
const seedChunk = 1000

var occurred = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ledger is one account as our side writes it: the state the bank's fold
// gives after each event appended, so that an append whose events reach a
// multiple of events.SnapshotEvery carries the state there, as the tasks
// compute it for the store.
type ledger struct {
	id    string
	state account.State
}

// next returns the append of command cmd that takes the account n events
// further, an opening and then deposits of 10, with the snapshots those
// versions are due, and folds the events into l.
func (l *ledger) next(cmd string, n int) (events.Batch, error) {
	b := events.Batch{Stream: l.id, Expected: l.state.Version, CommandID: cmd, Fingerprint: fingerprint,
		Events: make([]events.Event, 0, n)}
	for range n {
		v := l.state.Version + 1
		var data events.Data = account.Deposited{Amount: 10}
		raw := json.RawMessage(`{"amount":10}`)
		if v == 1 {
			data, raw = account.Opened{Currency: "EUR"}, json.RawMessage(`{"currency":"EUR"}`)
		}
		e := events.Event{ID: events.EventID(l.id, v), Stream: l.id, Version: v, Type: data.EventType(),
			SchemaVersion: 1, OccurredAt: occurred, CommandID: cmd, Data: raw}
		l.state = account.Domain{}.Evolve(l.state, events.Fact{Event: e, Data: data})
		b.Events = append(b.Events, e)
		if events.SnapshotDue(v) {
			st, err := json.Marshal(l.state)
			if err != nil {
				return events.Batch{}, err
			}
			b.Snapshots = append(b.Snapshots, events.Snapshot{Version: v, State: st, LastOccurredAt: l.state.LastOccurredAt})
		}
	}
	return b, nil
}

// fold is the account a loaded history holds, as the tasks fold it: the
// snapshot's state, then each event after it, read at its type's current
// schema and evolved by the bank.
func fold(h events.History) (account.State, error) {
	bank := account.Domain{}
	s := bank.Initial()
	if h.Snapshot.Version > 0 {
		if err := json.Unmarshal(h.Snapshot.State, &s); err != nil {
			return s, err
		}
	}
	defs := map[string]events.EventDef{}
	for _, d := range bank.Info().Events {
		defs[d.Type] = d
	}
	for _, e := range h.Events {
		f, err := defs[e.Type].Read(e)
		if err != nil {
			return s, err
		}
		s = bank.Evolve(s, f)
	}
	return s, nil
}

func openOurs(c workerConfig) (*boltstore.Store, error) {
	return boltstore.Open(filepath.Join(c.dir, "stepfold.db"))
}

// ourAppends is durable appends of one event, each goroutine on its own
// account: an op returns once its append is synced.
func ourAppends(ctx context.Context, c workerConfig) (func(int) op, func() error, error) {
	s, err := openOurs(c)
	if err != nil {
		return nil, nil, err
	}
	newOp := func(i int) op {
		l := &ledger{id: fmt.Sprintf("acc-%03d", i)}
		return func(ctx context.Context) error {
			b, err := l.next(fmt.Sprintf("c-%d", l.state.Version), 1)
			if err != nil {
				return err
			}
			_, err = s.Append(ctx, b)
			return err
		}
	}
	return newOp, s.Close, nil
}

// ourLoad loads an account of bigHistory events and folds it: the latest
// snapshot and the events after it.
func ourLoad(ctx context.Context, c workerConfig) (func(int) op, func() error, error) {
	s, err := openOurs(c)
	if err != nil {
		return nil, nil, err
	}
	l := &ledger{id: "big"}
	for v := int64(0); v < bigHistory; v += seedChunk {
		b, err := l.next(fmt.Sprintf("seed-%d", v), seedChunk)
		if err == nil {
			_, err = s.Append(ctx, b)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	// Reopening writes the logged appends into the file, as a checkpoint
	// would within a second: the loads read the file, as they do on a
	// server that has run for a while.
	if err := s.Close(); err != nil {
		return nil, nil, err
	}
	if s, err = openOurs(c); err != nil {
		return nil, nil, err
	}
	load := func(ctx context.Context) error {
		h, err := s.Load(ctx, "big")
		if err != nil {
			return err
		}
		st, err := fold(h)
		if err != nil || st.Version != bigHistory || st.Balance != 10*(bigHistory-1) {
			return fmt.Errorf("loaded version %d balance %d, want %d and %d (%v)", st.Version, st.Balance, bigHistory, 10*(bigHistory-1), err)
		}
		return nil
	}
	return func(int) op { return load }, s.Close, nil
}

// Account is the peer's bank account aggregate: opened, then deposits.
type Account struct {
	aggregate.Root
	Balance int64
}

// Opened is the peer's first event of an account.
type Opened struct{ Currency string }

// Deposited is the peer's deposit event.
type Deposited struct{ Amount int64 }

// Transition folds an event into the account.
func (a *Account) Transition(e eventsourcing.Event) {
	if d, ok := e.Data().(*Deposited); ok {
		a.Balance += d.Amount
	}
}

// Register names the account's events to the library.
func (a *Account) Register(r aggregate.RegisterFunc) { r(&Opened{}, &Deposited{}) }

// openTheirs opens the bbolt store for the peer and registers the
// aggregate with the library.
func openTheirs(c workerConfig) (*hallgrenbolt.Store, error) {
	aggregate.Register(&Account{})
	return hallgrenbolt.Open(filepath.Join(c.dir, "hallgren.db"))
}

// newAccount is an opened account with the given id, not yet saved.
func newAccount(id string) (*Account, error) {
	a := &Account{}
	if err := a.SetID(id); err != nil {
		return nil, err
	}
	aggregate.TrackChange(a, &Opened{Currency: "EUR"})
	return a, nil
}

// theirAppends is the peer's durable appends of one event, each
// goroutine on its own aggregate: every Save is its own synced bbolt
// transaction.
func theirAppends(_ context.Context, c workerConfig) (func(int) op, func() error, error) {
	s, err := openTheirs(c)
	if err != nil {
		return nil, nil, err
	}
	newOp := func(i int) op {
		var a *Account
		return func(context.Context) error {
			if a == nil {
				var err error
				if a, err = newAccount(fmt.Sprintf("acc-%03d", i)); err != nil {
					return err
				}
			} else {
				aggregate.TrackChange(a, &Deposited{Amount: 10})
			}
			return aggregate.Save(s, a)
		}
	}
	return newOp, s.Close, nil
}

// theirLoad is the peer's load of an aggregate of bigHistory events: a
// replay of every one, since a snapshot store is optional in the library
// and comes only in memory.
func theirLoad(ctx context.Context, c workerConfig) (func(int) op, func() error, error) {
	s, err := openTheirs(c)
	if err != nil {
		return nil, nil, err
	}
	a, err := newAccount("big")
	if err != nil {
		return nil, nil, err
	}
	for v := 1; v < bigHistory; v++ {
		aggregate.TrackChange(a, &Deposited{Amount: 10})
		if (v+1)%seedChunk == 0 {
			if err := aggregate.Save(s, a); err != nil {
				return nil, nil, err
			}
		}
	}
	load := func(ctx context.Context) error {
		b := &Account{}
		if err := aggregate.Load(ctx, s, "big", b); err != nil {
			return err
		}
		if b.Version() != bigHistory || b.Balance != 10*(bigHistory-1) {
			return fmt.Errorf("loaded version %d balance %d, want %d and %d", b.Version(), b.Balance, bigHistory, 10*(bigHistory-1))
		}
		return nil
	}
	return func(int) op { return load }, s.Close, nil
}
