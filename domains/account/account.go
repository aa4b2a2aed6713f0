// Package account is stepfold's reference domain: a bank account.
//
// A Command is an intent. Decide applies the rules to the current State and
// either rejects the command with an *events.Error or turns it into one
// immutable event, named in the past tense: an account opens once, with a
// fixed ISO 4217 currency; amounts are positive int64 minor units; no
// withdrawal beyond the balance; no overflow; a closed account accepts
// nothing; only a zero balance closes; a transaction is reversed at most
// once, by a TransactionReversed compensation, never by an edit; nothing
// is dated before the account opened. Evolve folds an event into the
// State.
//
// The package implements events.Domain and imports only the events.
package account

import (
	_ "embed"
	"net/http"

	"github.com/stepfold/stepfold/events"
)

// Domain is the bank account; its zero value is ready to use.
type Domain struct{}

var (
	_ events.Domain[State, Command] = Domain{}
	_ events.Replier[State]         = Domain{}
)

// Rejection codes: the command was understood and refused.
const (
	CodeAccountNotFound            events.Code = "AccountNotFound"
	CodeAccountAlreadyExists       events.Code = "AccountAlreadyExists"
	CodeAccountClosed              events.Code = "AccountClosed"
	CodeInsufficientFunds          events.Code = "InsufficientFunds"
	CodeBalanceNotZero             events.Code = "BalanceNotZero"
	CodeCurrencyMismatch           events.Code = "CurrencyMismatch"
	CodeAmountOverflow             events.Code = "AmountOverflow"
	CodeTransactionNotFound        events.Code = "TransactionNotFound"
	CodeTransactionAlreadyReversed events.Code = "TransactionAlreadyReversed"
	CodeOccurredBeforeOpening      events.Code = "OccurredBeforeOpening"
)

// Sentinels for errors.Is, one per rejection code.
var (
	ErrAccountNotFound            = &events.Error{Code: CodeAccountNotFound}
	ErrAccountAlreadyExists       = &events.Error{Code: CodeAccountAlreadyExists}
	ErrAccountClosed              = &events.Error{Code: CodeAccountClosed}
	ErrInsufficientFunds          = &events.Error{Code: CodeInsufficientFunds}
	ErrBalanceNotZero             = &events.Error{Code: CodeBalanceNotZero}
	ErrCurrencyMismatch           = &events.Error{Code: CodeCurrencyMismatch}
	ErrAmountOverflow             = &events.Error{Code: CodeAmountOverflow}
	ErrTransactionNotFound        = &events.Error{Code: CodeTransactionNotFound}
	ErrTransactionAlreadyReversed = &events.Error{Code: CodeTransactionAlreadyReversed}
	ErrOccurredBeforeOpening      = &events.Error{Code: CodeOccurredBeforeOpening}
)

// rules is the account's EventBridge rules file.
//
//go:embed rules.json
var rules []byte

// Info describes the account domain: its events, rejections, routes and
// rules.
func (Domain) Info() events.Info {
	return events.Info{
		Name: "account", Source: "stepfold.accounts", StreamKey: "account", Noun: "account",
		Events: []events.EventDef{
			events.Def[Opened](), events.Def[Deposited](), events.Def[Withdrawn](), events.Def[Reversed](), events.Def[Closed](),
		},
		Rejections: []events.Rejection{
			{Code: CodeTransactionNotFound, Status: http.StatusNotFound},
			{Code: CodeAccountAlreadyExists, Status: http.StatusConflict},
			{Code: CodeAccountClosed, Status: http.StatusConflict},
			{Code: CodeBalanceNotZero, Status: http.StatusConflict},
			{Code: CodeTransactionAlreadyReversed, Status: http.StatusConflict},
			{Code: CodeInsufficientFunds, Status: http.StatusUnprocessableEntity},
			{Code: CodeCurrencyMismatch, Status: http.StatusUnprocessableEntity},
			{Code: CodeAmountOverflow, Status: http.StatusUnprocessableEntity},
			{Code: CodeOccurredBeforeOpening, Status: http.StatusUnprocessableEntity},
		},
		NotFound: CodeAccountNotFound,
		Routes:   routes(),
		Rules:    rules,
	}
}

// routes are the account API: POST /accounts opens an account, and each
// other command has its own route under /accounts/{id}.
func routes() events.Routes {
	return events.Routes{
		Collection:       "accounts",
		CommandStreamKey: "accountId",
		Fields:           []string{"amount", "currency", "occurredAt", "reference", "eventId"},
		Commands: []events.Route{
			{Path: "", Command: OpenAccount, Status: http.StatusCreated},
			{Path: "deposits", Command: Deposit},
			{Path: "withdrawals", Command: Withdraw},
			{Path: "reversals", Command: ReverseTransaction},
			{Path: "close", Command: CloseAccount, EmptyBody: true},
		},
	}
}

// Result is the answer to an account command: the account as of its
// events, and the events.
type Result struct {
	Account  string         `json:"account"`
	Version  int64          `json:"version"`
	Balance  int64          `json:"balance"`
	Currency string         `json:"currency"`
	Status   Status         `json:"status"`
	Events   []events.Event `json:"events"`
}

// Reply implements events.Replier.
func (Domain) Reply(s State, evs []events.Event) any {
	return Result{Account: s.Account, Version: s.Version, Balance: s.Balance, Currency: s.Currency, Status: s.Status, Events: evs}
}
