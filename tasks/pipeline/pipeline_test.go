package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/statemachines/asl"
)

func TestDeposit(t *testing.T) {
	h := newHarness(t, nil)
	h.mustSucceed(t, open("acc-1", "c1"))
	ex := h.run(t, deposit("acc-1", "c2", 1500))
	if ex.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("status %s %s %s", ex.Status, deref(ex.Error), deref(ex.Cause))
	}
	var out account.Result
	if err := json.Unmarshal([]byte(deref(ex.Output)), &out); err != nil {
		t.Fatal(err)
	}
	if out.Account != "acc-1" || out.Version != 2 || out.Balance != 1500 || out.Currency != "EUR" || out.Status != account.StatusOpen ||
		len(out.Events) != 1 || out.Events[0].ID != "acc-1:2" {
		t.Errorf("output = %s", deref(ex.Output))
	}
	if got := h.scheduled(t, ex); got["validate"] != 1 || got["persist"] != 1 || got["publish"] != 1 || got["fold"] != 1 || len(got) != 4 {
		t.Errorf("tasks scheduled = %v, want each step once", got)
	}
}

// TestHotAccount sends 64 withdrawals of 100 at the same moment to one
// account, on a balance that covers them all and on one that covers 20.
// Every command must get its real answer, accepted or InsufficientFunds,
// never VersionConflict: the definition's jittered retries spread the
// losers of each conflict apart. The balance is the opening deposit less
// the accepted withdrawals, and the log has no gap. The retry delays take
// their real time (the test takes a few seconds): a faster clock would
// squeeze the retries together while the commands still take as long.
func TestHotAccount(t *testing.T) {
	const n, amount = 64, 100
	tests := []struct {
		name         string
		opening      int64
		wantAccepted int
	}{
		{"funded", 2 * n * amount, n},
		{"covers 20", 20 * amount, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessOn(t, realDelays{}, nil)
			h.mustSucceed(t, open("acc-1", "c-open"), deposit("acc-1", "c-dep", tt.opening))
			cmds := make([]account.Command, n)
			for i := range cmds {
				cmds[i] = withdraw("acc-1", fmt.Sprintf("w%02d", i), amount)
			}
			accepted, outcomes, attempts := 0, map[string]int{}, map[int]int{}
			for i, ex := range h.runAtOnce(t, cmds) {
				outcomes[string(ex.Status)+" "+deref(ex.Error)]++
				attempts[h.scheduled(t, ex)["validate"]]++
				switch {
				case ex.Status == types.ExecutionStatusSucceeded:
					accepted++
				case ex.Status == types.ExecutionStatusFailed && deref(ex.Error) == "InsufficientFunds":
				default:
					t.Errorf("w%02d: %s %s %s", i, ex.Status, deref(ex.Error), deref(ex.Cause))
				}
			}
			t.Logf("outcomes %v; executions by attempts (Validate calls) %v", outcomes, attempts)
			if accepted != tt.wantAccepted {
				t.Errorf("%d accepted, want %d", accepted, tt.wantAccepted)
			}
			checkLog(t, h, "acc-1", 2+accepted, tt.opening-amount*int64(accepted))
		})
	}
}

// runAtOnce starts an execution for each command at the same moment and
// returns them when all have ended.
func (h *harness) runAtOnce(t *testing.T, cmds []account.Command) []*asl.Execution {
	t.Helper()
	exs := make([]*asl.Execution, len(cmds))
	errs := make([]error, len(cmds))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range cmds {
		in, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			<-start
			exs[i], errs[i] = h.m.StartSync(context.Background(), "", in)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("StartSync: %v", err)
	}
	return exs
}

// checkLog checks that the account's log holds versions 1..n without a gap
// and that the read model has the balance at version n.
func checkLog(t *testing.T, h *harness, account string, n int, balance int64) {
	t.Helper()
	log := h.log(t, account)
	for i, e := range log {
		if e.Version != int64(i+1) {
			t.Fatalf("log has version %d at position %d", e.Version, i+1)
		}
	}
	if len(log) != n {
		t.Errorf("log has %d events, want %d", len(log), n)
	}
	st, err := h.account(t, account)
	if err != nil || st.Balance != balance || st.Version != int64(n) {
		t.Errorf("read model = %+v, %v; want balance %d at version %d", st, err, balance, n)
	}
}

// TestDuplicateCommand runs one command twice: the second run gets the
// same answer, writes nothing, and publishes the same event ids again.
func TestDuplicateCommand(t *testing.T) {
	h := newHarness(t, nil)
	h.mustSucceed(t, open("acc-1", "c1"))
	c := deposit("acc-1", "c2", 700)
	first := h.run(t, c)
	h.mustSucceed(t, withdraw("acc-1", "c3", 100))
	before := h.log(t, "acc-1")
	second := h.run(t, c)

	if first.Status != types.ExecutionStatusSucceeded || second.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("statuses %s, %s", first.Status, second.Status)
	}
	if deref(first.Output) != deref(second.Output) {
		t.Errorf("second answer differs\nfirst:  %s\nsecond: %s", deref(first.Output), deref(second.Output))
	}
	if after := h.log(t, "acc-1"); len(after) != len(before) {
		t.Errorf("log grew from %d to %d events", len(before), len(after))
	}
	want := []string{"acc-1:1", "acc-1:2", "acc-1:3", "acc-1:2"}
	if got := h.pub.IDs(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("published %v, want %v", got, want)
	}
	if ls := h.letters(t); len(ls) != 0 {
		t.Errorf("dead letters: %v", ls)
	}
}

// TestRejections checks that every rule rejection fails the execution at
// Validate with its error name and message, without retries, writes, or
// dead letters.
func TestRejections(t *testing.T) {
	opened := []account.Command{open("acc-1", "c1")}
	funded := append(opened, deposit("acc-1", "c2", 100))
	tests := []struct {
		name  string
		setup []account.Command
		cmd   account.Command
	}{
		{"InvalidCommand", opened, deposit("acc-1", "c9", -5)},
		{"AccountNotFound", nil, deposit("acc-1", "c9", 5)},
		{"AccountAlreadyExists", opened, open("acc-1", "c9")},
		{"AccountClosed", append(opened, account.Command{Type: account.CloseAccount, AccountID: "acc-1", CommandID: "c2"}), deposit("acc-1", "c9", 5)},
		{"InsufficientFunds", funded, withdraw("acc-1", "c9", 101)},
		{"BalanceNotZero", funded, account.Command{Type: account.CloseAccount, AccountID: "acc-1", CommandID: "c9"}},
		{"CurrencyMismatch", funded, account.Command{Type: account.Deposit, AccountID: "acc-1", CommandID: "c9", Amount: 5, Currency: "USD"}},
		{"AmountOverflow", append(opened, deposit("acc-1", "c2", math.MaxInt64-10)), deposit("acc-1", "c9", 11)},
		{"TransactionNotFound", funded, account.Command{Type: account.ReverseTransaction, AccountID: "acc-1", CommandID: "c9", EventID: "acc-1:7"}},
		{"TransactionAlreadyReversed", append(funded, account.Command{Type: account.ReverseTransaction, AccountID: "acc-1", CommandID: "c3", EventID: "acc-1:2"}),
			account.Command{Type: account.ReverseTransaction, AccountID: "acc-1", CommandID: "c9", EventID: "acc-1:2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			for _, c := range tt.setup {
				h.mustSucceed(t, c)
			}
			before, published := len(h.log(t, "acc-1")), len(h.pub.IDs())
			ex := h.run(t, tt.cmd)
			if ex.Status != types.ExecutionStatusFailed || deref(ex.Error) != tt.name {
				t.Fatalf("execution %s %s, want FAILED %s", ex.Status, deref(ex.Error), tt.name)
			}
			typ, msg := causeMessage(t, deref(ex.Cause))
			if typ != tt.name || len(msg) < 20 || msg == tt.name {
				t.Errorf("cause = %s, want a readable %s message", deref(ex.Cause), tt.name)
			}
			if got := h.scheduled(t, ex); got["validate"] != 1 || len(got) != 1 {
				t.Errorf("tasks scheduled = %v, want validate once and nothing else", got)
			}
			if after := len(h.log(t, "acc-1")); after != before || len(h.pub.IDs()) != published {
				t.Errorf("log %d→%d events, published %d→%d", before, after, published, len(h.pub.IDs()))
			}
			if ls := h.letters(t); len(ls) != 0 {
				t.Errorf("dead letters: %v", ls)
			}
		})
	}
}
