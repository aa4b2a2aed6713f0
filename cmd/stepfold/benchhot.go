package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stepfold/stepfold/httpapi"
)

// hotTarget is the share of hot-account commands that must get their real
// answer, accepted or a rule's rejection, rather than a conflict or an
// error. It is reported, not enforced: bench is a benchmark.
const hotTarget = 0.99

// hotCase is one round of the hot-account mode: an account opened and
// funded with opening, then withdrawals of 1 sent to it all at once.
type hotCase struct {
	name    string
	opening int64
}

// hotCases are the two rounds for n commands: a balance that covers them
// all twice over, and one that covers a third of them.
func hotCases(n int) []hotCase {
	return []hotCase{{"funded", int64(2 * n)}, {"short", int64(max(1, n/3))}}
}

// hotOutcome is what the commands of one round got.
type hotOutcome struct {
	sent, accepted, rejected int
	failed                   map[string]int  // "409 VersionConflict", "no answer", ... -> count
	lat                      []time.Duration // of every command, sorted
	firstErr                 error           // of the commands that got no answer
}

func (o hotOutcome) answered() float64 {
	return float64(o.accepted+o.rejected) / float64(o.sent)
}

// benchHot sends c.hot withdrawals at once to one account, for each case,
// reports what they got and how long they took, and checks that the
// balance and the log agree with the answers.
func benchHot(ctx context.Context, c benchConfig, stdout io.Writer) error {
	run := httpapi.NewID()[:8]
	fmt.Fprintf(stdout, "bench %s: %d withdrawals of 1 sent at once to one account (target: %.0f%% accepted or rejected by a rule)\n", c.base, c.hot, hotTarget*100)
	var errs []error
	for _, hc := range hotCases(c.hot) {
		acc := fmt.Sprintf("hot-%s-%s", run, hc.name)
		setup := &conn{addr: c.addr, body: &bytes.Buffer{}}
		if err := openFunded(ctx, setup, acc, hc.opening); err != nil {
			setup.close()
			return fmt.Errorf("hot %s: %w", hc.name, err)
		}
		o, err := fire(ctx, c.addr, acc, c.hot)
		if err != nil {
			setup.close()
			return fmt.Errorf("hot %s: %w", hc.name, err)
		}
		reportHot(stdout, hc, o)
		check, err := checkHot(ctx, setup, acc, hc.opening, o)
		setup.close()
		if err != nil {
			errs = append(errs, fmt.Errorf("hot %s: %w", hc.name, err))
			continue
		}
		fmt.Fprintf(stdout, "hot %-6s checked: %s\n", hc.name, check)
	}
	return errors.Join(errs...)
}

// openFunded opens acc and deposits opening into it.
func openFunded(ctx context.Context, cn *conn, acc string, opening int64) error {
	steps := []struct {
		path, body string
		want       int
	}{
		{"/accounts", fmt.Sprintf(`{"accountId":%q,"currency":"EUR"}`, acc), http.StatusCreated},
		{"/accounts/" + acc + "/deposits", fmt.Sprintf(`{"amount":%d}`, opening), http.StatusOK},
	}
	for _, s := range steps {
		status, err := cn.do(ctx, http.MethodPost, s.path, s.body)
		if err != nil {
			return fmt.Errorf("POST %s: %w", s.path, err)
		}
		if status != s.want {
			return fmt.Errorf("POST %s: status %d, want %d: %s", s.path, status, s.want, cn.body.Bytes())
		}
	}
	return nil
}

// answer is what one command got.
type answer struct {
	status int
	code   string // the error code of a failure's body
	took   time.Duration
	err    error
}

// fire sends n withdrawals of 1 to acc at the same moment, each on its own
// connection dialled beforehand, and tallies the answers.
func fire(ctx context.Context, addr, acc string, n int) (hotOutcome, error) {
	conns := make([]conn, n)
	defer func() {
		for i := range conns {
			conns[i].close()
		}
	}()
	for i := range conns {
		conns[i] = conn{addr: addr, body: &bytes.Buffer{}}
		if err := conns[i].dial(ctx); err != nil {
			return hotOutcome{}, err
		}
	}
	answers := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			<-start
			t := time.Now()
			status, err := conns[i].do(ctx, http.MethodPost, "/accounts/"+acc+"/withdrawals", `{"amount":1}`)
			answers[i] = answer{status: status, code: errorCode(conns[i].body.Bytes()), took: time.Since(t), err: err}
		})
	}
	close(start)
	wg.Wait()
	return tally(answers), nil
}

// tally sorts the answers into accepted, rejected by a rule, and failed.
func tally(answers []answer) hotOutcome {
	o := hotOutcome{sent: len(answers), failed: map[string]int{}}
	for _, a := range answers {
		o.lat = append(o.lat, a.took)
		switch {
		case a.err != nil:
			o.failed["no answer"]++
			if o.firstErr == nil {
				o.firstErr = a.err
			}
		case a.status == http.StatusOK:
			o.accepted++
		case a.status == http.StatusUnprocessableEntity && a.code == "InsufficientFunds":
			o.rejected++
		default:
			o.failed[strings.TrimSpace(fmt.Sprintf("%d %s", a.status, a.code))]++
		}
	}
	slices.Sort(o.lat)
	return o
}

// errorCode reads the error field of an error body, or "".
func errorCode(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error
}

func reportHot(w io.Writer, hc hotCase, o hotOutcome) {
	nfailed := o.sent - o.accepted - o.rejected
	mark := ""
	if o.answered() < hotTarget {
		mark = ", below the target"
	}
	fmt.Fprintf(w, "hot %-6s %d at once on a balance of %d: %d accepted, %d rejected by a rule, %d failed (%.1f%% answered%s)  p50 %s  p99 %s  max %s\n",
		hc.name, o.sent, hc.opening, o.accepted, o.rejected, nfailed, 100*o.answered(), mark, pct(o.lat, 0.50), pct(o.lat, 0.99), pct(o.lat, 1))
	if nfailed == 0 {
		return
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(o.failed)) {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, o.failed[k]))
	}
	fmt.Fprintf(w, "hot %-6s failed: %s\n", hc.name, strings.Join(parts, ", "))
	if o.firstErr != nil {
		fmt.Fprintf(w, "hot %-6s the first without an answer: %v\n", hc.name, o.firstErr)
	}
}

// checkHot reads the account and its log back and checks them against
// the answers: the balance is the opening deposit less one per accepted
// withdrawal, the log holds versions 1..n without a gap (the opening, the
// deposit and one event per accepted withdrawal), and a withdrawal was
// refused for want of funds only once the balance had run out.
func checkHot(ctx context.Context, cn *conn, acc string, opening int64, o hotOutcome) (string, error) {
	var st struct {
		Balance int64 `json:"balance"`
		Version int64 `json:"version"`
	}
	if err := getJSON(ctx, cn, "/accounts/"+acc, &st); err != nil {
		return "", err
	}
	log, err := readLog(ctx, cn, acc)
	if err != nil {
		return "", err
	}
	want := opening - int64(o.accepted)
	var problems []string
	if st.Balance != want {
		problems = append(problems, fmt.Sprintf("balance %d, want %d - %d accepted = %d", st.Balance, opening, o.accepted, want))
	}
	problems = append(problems, logProblems(log, 2+o.accepted, st.Version)...)
	if o.rejected > 0 && want != 0 {
		problems = append(problems, fmt.Sprintf("%d refused for insufficient funds while %d was left", o.rejected, want))
	}
	if len(problems) > 0 {
		return "", errors.New(strings.Join(problems, "; "))
	}
	return fmt.Sprintf("balance %d = %d - %d accepted; log gapless, versions 1..%d", st.Balance, opening, o.accepted, len(log)), nil
}

// logEvent is what the checks read of an event.
type logEvent struct {
	Version int64  `json:"version"`
	Type    string `json:"type"`
}

// logProblems checks that log is versions 1..want in order, that it holds
// want-2 withdrawals, and that the read model is at its last version.
func logProblems(log []logEvent, want int, stateVersion int64) []string {
	var problems []string
	withdrawals := 0
	for i, e := range log {
		if e.Version != int64(i+1) {
			problems = append(problems, fmt.Sprintf("log has version %d at position %d", e.Version, i+1))
			break
		}
		if e.Type == "FundsWithdrawn" {
			withdrawals++
		}
	}
	if len(log) != want || withdrawals != want-2 {
		problems = append(problems, fmt.Sprintf("log has %d events with %d withdrawals, want %d with %d", len(log), withdrawals, want, want-2))
	}
	if stateVersion != int64(len(log)) {
		problems = append(problems, fmt.Sprintf("the account is at version %d, its log at %d", stateVersion, len(log)))
	}
	return problems
}

// readLog reads every event of acc, page by page.
func readLog(ctx context.Context, cn *conn, acc string) ([]logEvent, error) {
	var all []logEvent
	for from := int64(1); ; {
		var page struct {
			Events []logEvent `json:"events"`
			Next   int64      `json:"next"`
		}
		if err := getJSON(ctx, cn, fmt.Sprintf("/accounts/%s/events?from=%d&limit=1000", acc, from), &page); err != nil {
			return nil, err
		}
		all = append(all, page.Events...)
		if page.Next == 0 {
			return all, nil
		}
		if page.Next <= from {
			return nil, fmt.Errorf("events page from %d says next is %d", from, page.Next)
		}
		from = page.Next
	}
}

// getJSON reads path, which must answer 200, into v.
func getJSON(ctx context.Context, cn *conn, path string, v any) error {
	status, err := cn.do(ctx, http.MethodGet, path, "")
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %s", path, status, cn.body.Bytes())
	}
	if err := json.Unmarshal(cn.body.Bytes(), v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}
