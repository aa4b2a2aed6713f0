package account_test

import (
	"testing"
	"time"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events"
)

func TestFingerprint(t *testing.T) {
	base := account.Command{Type: account.Deposit, AccountID: "acc-1", CommandID: "k-1", CorrelationID: "req-1",
		Amount: 1500, Currency: "EUR", Reference: "salary", OccurredAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	fp := base.Fingerprint()
	// The canonical form must never change: a retry of a command recorded
	// by an earlier build must still match. The value is the SHA-256 of
	// {"type":"Deposit","accountId":"acc-1","commandId":"k-1","amount":1500,"currency":"EUR",
	// "occurredAt":"2026-11-23T10:00:00Z","reference":"salary","eventId":""}, computed apart.
	if want := events.Fingerprint("795d9a8ded3782689a8ef350a2566fbf680c9e0bf5f6728148acc1bd6bf45e99"); fp != want {
		t.Errorf("Fingerprint = %s, want %s", fp, want)
	}
	same := map[string]func(*account.Command){
		"another correlation id":   func(c *account.Command) { c.CorrelationID = "req-2" },
		"no correlation id":        func(c *account.Command) { c.CorrelationID = "" },
		"the same instant, +01:00": func(c *account.Command) { c.OccurredAt = c.OccurredAt.In(time.FixedZone("", 3600)) },
	}
	for name, change := range same {
		c := base
		change(&c)
		if c.Fingerprint() != fp {
			t.Errorf("%s changed the fingerprint", name)
		}
	}
	different := map[string]func(*account.Command){
		"type":            func(c *account.Command) { c.Type = account.Withdraw },
		"account":         func(c *account.Command) { c.AccountID = "acc-2" },
		"command id":      func(c *account.Command) { c.CommandID = "k-2" },
		"amount":          func(c *account.Command) { c.Amount = 1501 },
		"no currency":     func(c *account.Command) { c.Currency = "" },
		"reference":       func(c *account.Command) { c.Reference = "salary " },
		"event id":        func(c *account.Command) { c.EventID = "acc-1:2" },
		"a later time":    func(c *account.Command) { c.OccurredAt = c.OccurredAt.Add(time.Nanosecond) },
		"no time (now)":   func(c *account.Command) { c.OccurredAt = time.Time{} },
		"reference shift": func(c *account.Command) { c.Currency, c.Reference = "", "EURsalary" },
	}
	for name, change := range different {
		c := base
		change(&c)
		if c.Fingerprint() == fp {
			t.Errorf("a different %s kept the fingerprint", name)
		}
	}
}
