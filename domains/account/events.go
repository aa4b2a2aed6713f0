package account

// The events an account records, named by their data types' EventType.
const (
	AccountOpened       = "AccountOpened"
	FundsDeposited      = "FundsDeposited"
	FundsWithdrawn      = "FundsWithdrawn"
	TransactionReversed = "TransactionReversed"
	AccountClosed       = "AccountClosed"
)

// Opened is the data of AccountOpened.
type Opened struct {
	Currency string `json:"currency"`
}

// Deposited is the data of FundsDeposited.
type Deposited struct {
	Amount    int64  `json:"amount"`
	Reference string `json:"reference,omitempty"`
}

// Withdrawn is the data of FundsWithdrawn.
type Withdrawn struct {
	Amount    int64  `json:"amount"`
	Reference string `json:"reference,omitempty"`
}

// Reversed is the data of TransactionReversed. It undoes the deposit or
// withdrawal named by EventID: Delta is the change it makes to the balance.
type Reversed struct {
	EventID  string `json:"eventId"`
	Original string `json:"original"`
	Delta    int64  `json:"delta"`
}

// Closed is the data of AccountClosed.
type Closed struct{}

// EventType implements core.Data.
func (Opened) EventType() string { return AccountOpened }

// EventType implements core.Data.
func (Deposited) EventType() string { return FundsDeposited }

// EventType implements core.Data.
func (Withdrawn) EventType() string { return FundsWithdrawn }

// EventType implements core.Data.
func (Reversed) EventType() string { return TransactionReversed }

// EventType implements core.Data.
func (Closed) EventType() string { return AccountClosed }
