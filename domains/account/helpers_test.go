package account_test

import (
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/events/domaintest"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// history plays the commands at t0, failing the test on any rejection, and
// returns the state and every event.
func history(t *testing.T, cmds ...account.Command) (account.State, []events.Fact) {
	t.Helper()
	s, all, err := domaintest.Play(account.Domain{}, t0, cmds...)
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	return s, all
}

// decide decides c after the history, at t0.
func decide(s account.State, all []events.Fact, c account.Command) ([]events.Data, error) {
	return domaintest.Decide(account.Domain{}, s, all, c, t0)
}

func open(id string) account.Command {
	return account.Command{Type: account.OpenAccount, AccountID: id, CommandID: "open-" + id, Currency: "EUR"}
}

func tx(typ, id, cmd string, amount int64) account.Command {
	return account.Command{Type: typ, AccountID: id, CommandID: cmd, Amount: amount}
}

func reverse(id, cmd, eventID string) account.Command {
	return account.Command{Type: account.ReverseTransaction, AccountID: id, CommandID: cmd, EventID: eventID}
}
