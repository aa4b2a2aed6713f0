package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

// A counter, at two schemas of its one event, to test what the tasks do
// for any domain: snapshots, upcasting, replies.

type addV1 struct {
	N int64 `json:"n"`
}

func (addV1) EventType() string { return "Added" }

type addV2 struct {
	Amount int64  `json:"amount"`
	Note   string `json:"note"`
}

func (addV2) EventType() string { return "Added" }

type countCmd struct {
	Type   string `json:"type"`
	ID     string `json:"counterId"`
	CmdID  string `json:"commandId"`
	Corr   string `json:"correlationId,omitempty"`
	Amount int64  `json:"amount"`
}

func (c countCmd) Meta() events.CommandMeta {
	return events.CommandMeta{Type: c.Type, Stream: c.ID, ID: c.CmdID, CorrelationID: c.Corr}
}

type total struct {
	Sum   int64 `json:"sum"`
	Count int   `json:"count"`
}

// counter is the domain; v2 writes addV2 and reads addV1 through an
// upcaster, v1 knows only addV1.
type counter struct{ v2 bool }

func (c counter) Info() events.Info {
	def := events.Def[addV1]()
	if c.v2 {
		def = events.Def[addV2](func(old json.RawMessage) (json.RawMessage, error) {
			var a addV1
			if err := json.Unmarshal(old, &a); err != nil {
				return nil, err
			}
			return json.Marshal(addV2{Amount: a.N, Note: "from schema 1"})
		})
	}
	return events.Info{Name: "counter", Source: "test.counter", StreamKey: "counter", Events: []events.EventDef{def}}
}

func (counter) Decode(b []byte) (countCmd, error) {
	var c countCmd
	return c, events.DecodeStrict(b, &c, "command")
}

func (counter) Initial() total { return total{} }

func (c counter) Decide(_ total, cmd countCmd, _ events.Input) ([]events.Data, error) {
	if cmd.Amount <= 0 {
		return nil, events.Errorf(events.CodeInvalidCommand, "amount must be positive")
	}
	if c.v2 {
		return []events.Data{addV2{Amount: cmd.Amount}}, nil
	}
	return []events.Data{addV1{N: cmd.Amount}}, nil
}

func (counter) Evolve(s total, f events.Fact) total {
	switch d := f.Data.(type) {
	case addV1:
		s.Sum += d.N
	case addV2:
		s.Sum += d.Amount
	}
	s.Count++
	return s
}

func counterService(t *testing.T, st *boltstore.Store, v2 bool) *tasks.Service[total, countCmd] {
	t.Helper()
	svc, err := tasks.New(counter{v2: v2}, st, st, &eventstest.Recorder{}, tasks.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func add(t *testing.T, p tasks.Pipeline, id string, amount int64) json.RawMessage {
	t.Helper()
	b, _ := json.Marshal(countCmd{Type: "Add", ID: "c-1", CmdID: id, Amount: amount})
	reply, err := taskstest.Run(context.Background(), p, b)
	if err != nil {
		t.Fatalf("add %s: %v", id, err)
	}
	return reply
}

// TestSnapshotsFromTheDomain checks that the tasks hand the store the
// domain's state at every tenth version, and that Load starts from it.
func TestSnapshotsFromTheDomain(t *testing.T) {
	st := openStore(t)
	svc := counterService(t, st, false)
	for i := range 23 {
		add(t, svc, string(rune('a'+i)), int64(i+1))
	}
	for _, v := range []int64{10, 20} {
		snap, err := st.Snapshot(context.Background(), "c-1", v)
		var s total
		if err == nil {
			err = json.Unmarshal(snap.State, &s)
		}
		if err != nil || snap.Version != v || s.Count != int(v) || s.Sum != v*(v+1)/2 || !snap.LastOccurredAt.Equal(t0) {
			t.Errorf("snapshot at %d = %+v (%+v), %v", v, snap, s, err)
		}
	}
	h, err := st.Load(context.Background(), "c-1")
	if err != nil || h.Snapshot.Version != 20 || len(h.Events) != 3 {
		t.Fatalf("Load = snapshot %d, %d events, %v; want 20 and 3", h.Snapshot.Version, len(h.Events), err)
	}
	var reply struct {
		Version int64 `json:"version"`
		State   total `json:"state"`
	}
	if err := json.Unmarshal(add(t, svc, "last", 1), &reply); err != nil || reply.Version != 24 || reply.State.Sum != 23*24/2+1 {
		t.Errorf("the default reply = %+v, %v", reply, err)
	}
}

// TestUpcast stores events at schema 1, then reads them, and appends, with
// the domain's schema 2: the state and the read API see schema 2 only,
// and the log keeps what was written.
func TestUpcast(t *testing.T) {
	st := openStore(t)
	v1 := counterService(t, st, false)
	for i := range 12 {
		add(t, v1, "v1-"+string(rune('a'+i)), 2)
	}
	v2 := counterService(t, st, true)
	add(t, v2, "v2-a", 100)
	raw, err := v2.State(context.Background(), "c-1")
	var s total
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	if err != nil || s.Sum != 12*2+100 || s.Count != 13 {
		t.Fatalf("state after the change = %+v, %v; want sum 124 over 13", s, err)
	}
	p, err := v2.Events(context.Background(), "c-1", 1, 20)
	if err != nil || len(p.Events) != 13 {
		t.Fatalf("Events = %d, %v", len(p.Events), err)
	}
	var first addV2
	if err := json.Unmarshal(p.Events[0].Data, &first); err != nil || first.Amount != 2 || first.Note != "from schema 1" || p.Events[0].SchemaVersion != 2 {
		t.Errorf("the first event read at schema 2 = %s (schema %d)", p.Events[0].Data, p.Events[0].SchemaVersion)
	}
	stored, err := st.Read(context.Background(), "c-1", 1, 1)
	if err != nil || stored[0].SchemaVersion != 1 || string(stored[0].Data) != `{"n":2}` {
		t.Errorf("the stored first event = %+v, %v; want schema 1 as written", stored, err)
	}
	if _, err := v1.State(context.Background(), "c-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := v1.Events(context.Background(), "c-1", 13, 1); !errors.Is(err, events.ErrInternal) {
		t.Errorf("the old build reading an event of a newer schema = %v, want Internal", err)
	}
}

// TestRebuild folds every stream again into an empty read model.
func TestRebuild(t *testing.T) {
	st := openStore(t)
	svc := counterService(t, st, false)
	for i := range 15 {
		add(t, svc, string(rune('a'+i)), 3)
	}
	empty, err := boltstore.Open(t.TempDir()+"/readmodel.db", boltstore.WithoutSync())
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	rebuilt, err := tasks.New(counter{}, st, empty, &eventstest.Recorder{})
	if err != nil {
		t.Fatal(err)
	}
	read, stored, err := rebuilt.Rebuild(context.Background(), "c-1", false, nil)
	if err != nil || read != 15 || !stored {
		t.Fatalf("Rebuild = %d, %v, %v; want 15 events and a stored state", read, stored, err)
	}
	raw, err := rebuilt.State(context.Background(), "c-1")
	if err != nil || string(raw) != `{"sum":45,"count":15}` {
		t.Errorf("rebuilt state = %s, %v", raw, err)
	}
	if read, stored, err = rebuilt.Rebuild(context.Background(), "c-1", true, nil); err != nil || read != 0 || stored {
		t.Errorf("a catch-up with nothing new = %d, %v, %v; want nothing read or stored", read, stored, err)
	}
}
