// Package account is stepfold's reference domain: a bank account.
//
// A Command is an intent. Decide applies the rules to the current State and
// either rejects the command with an *core.Error or turns it into one
// immutable event, named in the past tense: an account opens once, with a
// fixed ISO 4217 currency; amounts are positive int64 minor units; no
// withdrawal beyond the balance; no overflow; a closed account accepts
// nothing; only a zero balance closes; a transaction is reversed at most
// once, by a TransactionReversed compensation, never by an edit; nothing
// is dated before the account opened. Evolve folds an event into the
// State.
//
// The package implements core.Domain and imports only the core.
package account

import (
	_ "embed"
	"net/http"

	"github.com/stepfold/stepfold/core"
)

// Domain is the bank account; its zero value is ready to use.
type Domain struct{}

var (
	_ core.Domain[State, Command] = Domain{}
	_ core.Replier[State]         = Domain{}
)

// Rejection codes: the command was understood and refused.
const (
	CodeAccountNotFound            core.Code = "AccountNotFound"
	CodeAccountAlreadyExists       core.Code = "AccountAlreadyExists"
	CodeAccountClosed              core.Code = "AccountClosed"
	CodeInsufficientFunds          core.Code = "InsufficientFunds"
	CodeBalanceNotZero             core.Code = "BalanceNotZero"
	CodeCurrencyMismatch           core.Code = "CurrencyMismatch"
	CodeAmountOverflow             core.Code = "AmountOverflow"
	CodeTransactionNotFound        core.Code = "TransactionNotFound"
	CodeTransactionAlreadyReversed core.Code = "TransactionAlreadyReversed"
	CodeOccurredBeforeOpening      core.Code = "OccurredBeforeOpening"
)

// Sentinels for errors.Is, one per rejection code.
var (
	ErrAccountNotFound            = &core.Error{Code: CodeAccountNotFound}
	ErrAccountAlreadyExists       = &core.Error{Code: CodeAccountAlreadyExists}
	ErrAccountClosed              = &core.Error{Code: CodeAccountClosed}
	ErrInsufficientFunds          = &core.Error{Code: CodeInsufficientFunds}
	ErrBalanceNotZero             = &core.Error{Code: CodeBalanceNotZero}
	ErrCurrencyMismatch           = &core.Error{Code: CodeCurrencyMismatch}
	ErrAmountOverflow             = &core.Error{Code: CodeAmountOverflow}
	ErrTransactionNotFound        = &core.Error{Code: CodeTransactionNotFound}
	ErrTransactionAlreadyReversed = &core.Error{Code: CodeTransactionAlreadyReversed}
	ErrOccurredBeforeOpening      = &core.Error{Code: CodeOccurredBeforeOpening}
)

// rules is the account's EventBridge rules file.
//
//go:embed rules.json
var rules []byte

// Info describes the account domain: its events, rejections, routes and
// rules.
func (Domain) Info() core.Info {
	return core.Info{
		Name: "account", Source: "stepfold.accounts", StreamKey: "account", Noun: "account",
		Events: []core.EventDef{
			core.Def[Opened](), core.Def[Deposited](), core.Def[Withdrawn](), core.Def[Reversed](), core.Def[Closed](),
		},
		Rejections: []core.Rejection{
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
func routes() core.Routes {
	return core.Routes{
		Collection:       "accounts",
		CommandStreamKey: "accountId",
		Fields:           []string{"amount", "currency", "occurredAt", "reference", "eventId"},
		Commands: []core.Route{
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
	Account  string       `json:"account"`
	Version  int64        `json:"version"`
	Balance  int64        `json:"balance"`
	Currency string       `json:"currency"`
	Status   Status       `json:"status"`
	Events   []core.Event `json:"events"`
}

// Reply implements core.Replier.
func (Domain) Reply(s State, evs []core.Event) any {
	return Result{Account: s.Account, Version: s.Version, Balance: s.Balance, Currency: s.Currency, Status: s.Status, Events: evs}
}
