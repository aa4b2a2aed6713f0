package events_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stepfold/stepfold/events"
)

// deposit is a command type of the shape a domain declares.
type deposit struct {
	Type       string    `json:"type"`
	AccountID  string    `json:"accountId"`
	CommandID  string    `json:"commandId"`
	Amount     int64     `json:"amount,omitempty"`
	Currency   string    `json:"currency,omitempty"`
	OccurredAt time.Time `json:"occurredAt,omitzero"`
	Reference  string    `json:"reference,omitempty"`
}

// TestDecodeStrict reads commands the one strict way and checks that every
// loose input is an InvalidCommand that names its problem.
func TestDecodeStrict(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string // want "" means it decodes
	}{
		{"a deposit", `{"type":"Deposit","accountId":"a","commandId":"c","amount":5,"reference":"€ 😀","occurredAt":"2026-11-23T10:00:00+01:00"}`, ""},
		{"nulls are absent fields", `{"type":"Deposit","amount":null,"reference":null}`, ""},
		{"a name in another case", `{"amount":1,"AMOUNT":1000}`, `unknown field "AMOUNT"; names are case-sensitive: did you mean "amount"?`},
		{"every name in another case", `{"ACCOUNTID":"x","CURRENCY":"USD"}`, `unknown field "ACCOUNTID"; names are case-sensitive: did you mean "accountId"?`},
		{"a repeated name", `{"amount":1,"amount":5000}`, `field "amount" appears more than once`},
		{"a repeated name, same value", `{"type":"Deposit","type":"Deposit"}`, `field "type" appears more than once`},
		{"invalid UTF-8", "{\"reference\":\"a\xffb\"}", `field "reference" is not valid UTF-8`},
		{"truncated UTF-8", "{\"reference\":\"a\xe2\x82\"}", `field "reference" is not valid UTF-8`},
		{"a lone surrogate escape", `{"reference":"a\ud800b"}`, `field "reference" is not valid UTF-8`},
		{"an unknown field", `{"amount":1,"bogus":1}`, `unknown field "bogus"`},
		{"a fraction", `{"amount":1.5}`, "amount must be a whole number of minor units that fits in 64 bits, got 1.5"},
		{"an exponent", `{"amount":1e3}`, "amount must be a whole number"},
		{"an overflow", `{"amount":9223372036854775808}`, "fits in 64 bits"},
		{"a string amount", `{"amount":"5"}`, "amount must be a number, got a string"},
		{"a number reference", `{"reference":5}`, "reference must be a string, got a number"},
		{"a bad time", `{"occurredAt":"yesterday"}`, "occurredAt must be an RFC 3339 time"},
		{"not an object", `[1]`, "must be a JSON object, got an array"},
		{"trailing data", `{"amount":1} {"amount":2}`, "nothing after it"},
		{"truncated", `{"amount":1`, "ends too early"},
		{"a trailing comma", `{"amount":1,}`, "malformed JSON at byte 11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c deposit
			checkDecoded(t, "DecodeStrict", events.DecodeStrict([]byte(tc.in), &c, "command"), tc.want)
		})
	}
}

func checkDecoded(t *testing.T, how string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("%s: %v", how, err)
		}
		return
	}
	var e *events.Error
	if !errors.As(err, &e) || e.Code != events.CodeInvalidCommand {
		t.Fatalf("%s: %v, want an InvalidCommand *events.Error", how, err)
	}
	if !strings.HasPrefix(e.Message, "command: ") || !strings.Contains(e.Message, want) {
		t.Errorf("%s: message %q, want \"command: …%s…\"", how, e.Message, want)
	}
}

func TestDecodeStrictKeepsTheFields(t *testing.T) {
	var c deposit
	in := `{"type":"Withdraw","accountId":"acc-1","commandId":"c-1","amount":250,"currency":"EUR","occurredAt":"2026-11-23T10:00:00Z","reference":"rent"}`
	if err := events.DecodeStrict([]byte(in), &c, "command"); err != nil {
		t.Fatal(err)
	}
	want := deposit{Type: "Withdraw", AccountID: "acc-1", CommandID: "c-1", Amount: 250,
		Currency: "EUR", OccurredAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), Reference: "rent"}
	if c != want {
		t.Fatalf("decoded %+v\nwant    %+v", c, want)
	}
	out, err := json.Marshal(c)
	if err != nil || string(out) != in {
		t.Fatalf("encoded back as %s, %v\nwant %s", out, err, in)
	}
}
