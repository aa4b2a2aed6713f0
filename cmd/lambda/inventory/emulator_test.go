//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/stepfold/stepfold/cmd/lambda/function/functiontest"
	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/internal/lambdarie"
)

// pkg is the inventory's Lambda main package, from the module root.
const pkg = "./cmd/lambda/inventory"

// The commands of the tests, as the state machine's input: 10 apples in,
// 6 reserved, the reservation confirmed (shipped), and a reservation of 5
// more than the 4 left.
const (
	receiveCommand = `{"type":"ReceiveStock","warehouseId":"w-1","commandId":"c-1","sku":"apple","quantity":10,"occurredAt":"2026-11-23T10:00:00Z"}`
	reserveCommand = `{"type":"Reserve","warehouseId":"w-1","commandId":"c-2","reservationId":"r-1","sku":"apple","quantity":6,` +
		`"expiresAt":"2026-11-23T11:00:00Z","occurredAt":"2026-11-23T10:00:00Z"}`
	confirmCommand = `{"type":"ConfirmReservation","warehouseId":"w-1","commandId":"c-3","reservationId":"r-1","occurredAt":"2026-11-23T10:05:00Z"}`
	tooManyCommand = `{"type":"Reserve","warehouseId":"w-1","commandId":"c-4","reservationId":"r-2","sku":"apple","quantity":5,` +
		`"expiresAt":"2026-11-23T11:00:00Z","occurredAt":"2026-11-23T10:10:00Z"}`
)

// reply is the state machine's output for an inventory command, the
// default reply of a domain: the stream, its version and state, and the
// command's events.
type reply struct {
	Stream  string          `json:"stream"`
	Version int64           `json:"version"`
	State   inventory.State `json:"state"`
	Events  []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"events"`
}

// TestUnderEmulator runs the inventory's bootstrap, built by `make
// lambdas` for the host, behind the Lambda Runtime Interface Emulator: one
// function per task over the same DynamoDB Local tables, publishing to a
// PutEvents endpoint the test serves, called by statemachines.Pipeline on
// the interpreter, the definition every domain shares.
func TestUnderEmulator(t *testing.T) {
	d := functiontest.NewDeployment(t, pkg)
	p := d.Pipeline(t, "inventory")
	ctx := context.Background()

	t.Run("commands through the state machine", func(t *testing.T) {
		for _, c := range []struct {
			command string
			version int64
			level   inventory.Level
			held    int // reservations held
			events  []string
		}{
			{receiveCommand, 1, inventory.Level{OnHand: 10}, 0, []string{"w-1:1 StockReceived"}},
			{reserveCommand, 2, inventory.Level{OnHand: 10, Reserved: 6}, 1, []string{"w-1:2 StockReserved"}},
			// A confirmation records two events: the reservation ends and
			// its stock leaves.
			{confirmCommand, 4, inventory.Level{OnHand: 4}, 0, []string{"w-1:3 ReservationConfirmed", "w-1:4 StockShipped"}},
		} {
			var got reply
			if err := json.Unmarshal(p.Succeed(t, c.command), &got); err != nil {
				t.Fatal(err)
			}
			var evs []string
			for _, e := range got.Events {
				evs = append(evs, e.ID+" "+e.Type)
			}
			if got.Stream != "w-1" || got.Version != c.version || got.State.Stock["apple"] != c.level ||
				len(got.State.Reservations) != c.held || !slices.Equal(evs, c.events) {
				t.Errorf("%s: reply %+v, events %v; want w-1 at version %d with apples %+v, %d reservations, events %v",
					c.command, got, evs, c.version, c.level, c.held, c.events)
			}
		}
	})

	t.Run("a rejection fails the execution with the error name", func(t *testing.T) {
		name, cause := p.Fail(t, tooManyCommand)
		if name != string(inventory.CodeInsufficientStock) {
			t.Fatalf("error %q, want InsufficientStock", name)
		}
		jsontest.EqualText(t, []byte(cause), inProcessError(t, `{"command":`+tooManyCommand+`}`))
	})

	t.Run("a rejection is the Lambda error response", func(t *testing.T) {
		payload := `{"command":` + tooManyCommand + `}`
		out, err := p.Functions["validate"].Invoke(ctx, []byte(payload))
		fe, ok := errors.AsType[*lambdarie.FunctionError](err)
		if !ok || fe.Type != "InsufficientStock" || fe.Message != "warehouse w-1 has 4 of apple available; cannot reserve 5" {
			t.Fatalf("Invoke = %s, %v; want the function error InsufficientStock with the rule's message", out, err)
		}
		jsontest.EqualText(t, fe.Payload, inProcessError(t, payload))
	})

	t.Run("publish put the events on the bus", func(t *testing.T) {
		if ids, want := d.Bus.Published(t, "stepfold.inventory"), []string{"w-1:1", "w-1:2", "w-1:3", "w-1:4"}; !slices.Equal(ids, want) {
			t.Errorf("published %v, want %v", ids, want)
		}
		if letters := p.DeadLetters.Bodies(); len(letters) != 0 {
			t.Errorf("dead letters: %v", letters)
		}
	})

	t.Run("read answers API Gateway", func(t *testing.T) {
		out, err := d.Function(t, "read").Invoke(ctx, functiontest.Fixture(t, "testdata/read-request.json"))
		if err != nil {
			t.Fatal(err)
		}
		jsontest.EqualText(t, functiontest.WithoutRequestID(t, out), functiontest.Fixture(t, "testdata/read-want.json"))
	})

	for task, f := range p.Functions {
		if d, ok := f.InitDuration(); !ok || d <= 0 {
			t.Errorf("%s: no init duration in the emulator's log", task)
		}
	}
}

// inProcessError returns the error document that the validate handler,
// in process over the warehouse the commands of TestUnderEmulator leave
// (4 apples on hand, none reserved), gives for payload.
func inProcessError(t *testing.T, payload string) []byte {
	t.Helper()
	svc, _ := functiontest.Bolt(t, inventory.Domain{}, receiveCommand, reserveCommand, confirmCommand)
	return functiontest.ErrorDocument(t, svc, "validate", payload)
}
