package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stepfold/stepfold/local/deadletter"
)

// hook is a webhook subscriber that answers 503 until it is up, and then
// keeps the ids of the events it gets.
type hook struct {
	up  atomic.Bool
	mu  sync.Mutex
	ids map[string]int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !h.up.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var e struct{ ID string }
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.ids[e.ID]++
	h.mu.Unlock()
}

func (h *hook) has(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ids[id] > 0
}

// TestRestartsDeliverWhatTheBusQueued runs stepfold serve as a subprocess
// with a webhook target that is down, under concurrent load, three times:
// stopped with SIGTERM, then killed with SIGKILL, then started once more
// with the webhook up. Every event of every acknowledged command reaches
// the webhook (or its dead-letter queue) and the archive: nothing that
// Publish accepted is lost to a stop or a kill.
func TestRestartsDeliverWhatTheBusQueued(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping a test that builds, stops and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "stepfold")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	h := &hook{ids: map[string]int{}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dir := t.TempDir()
	flags := []string{"--webhook", "hook=" + srv.URL, "--rules", writeRules(t, rulesWith(t, map[string]string{"hook": srv.URL}))}

	var acks []ack
	for i, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		p := startBinary(t, bin, dir, flags...)
		l := startLoad(p.url, 16, fmt.Sprintf("run%d", i))
		l.wait(t, 150)
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := p.cmd.Wait()
		if sig == syscall.SIGTERM && err != nil {
			t.Fatalf("serve did not stop cleanly: %v\n%s", err, p.log)
		}
		acks = append(acks, l.done()...)
	}
	h.up.Store(true)
	p := startBinary(t, bin, dir, flags...)
	want := ackedEventIDs(t, p.url, acks)
	waitDelivered(t, h, want)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly: %v\n%s", err, p.log)
	}
	checkArchived(t, dir, want)
	t.Logf("%d acknowledged commands, %d events, all delivered after a stop and a kill", len(acks), len(want))
}

// writeRules writes a rules file into a new directory.
func writeRules(t *testing.T, text []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ackedEventIDs asks the running server for the events of each
// acknowledged command.
func ackedEventIDs(t *testing.T, url string, acks []ack) []string {
	t.Helper()
	var ids []string
	for _, a := range acks {
		status, body := call(t, http.MethodGet, url+"/accounts/"+a.account+"/events?limit=1000", "")
		if status != http.StatusOK {
			t.Fatalf("events of %s: %d %v", a.account, status, body)
		}
		items, _ := body["events"].([]any)
		for _, it := range items {
			e, _ := it.(map[string]any)
			if e["commandId"] == a.commandID {
				ids = append(ids, e["id"].(string))
			}
		}
	}
	if len(ids) < len(acks) {
		t.Fatalf("%d events for %d acknowledged commands", len(ids), len(acks))
	}
	return ids
}

// waitDelivered waits until the webhook has every id, or that id is in the
// webhook's dead-letter queue.
func waitDelivered(t *testing.T, h *hook, ids []string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a hang guard, not a measure
	for {
		var missing []string
		for _, id := range ids {
			if !h.has(id) {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged events never reached the webhook, such as %v", len(missing), len(ids), missing[:min(5, len(missing))])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkArchived wants every id in the archive, and no dead letters for the
// webhook (its retry policy outlasts the test).
func checkArchived(t *testing.T, dir string, ids []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "account", archiveFile))
	if err != nil {
		t.Fatal(err)
	}
	archived := map[string]bool{}
	for line := range strings.Lines(string(data)) {
		var e struct{ ID string }
		if json.Unmarshal([]byte(line), &e) == nil {
			archived[e.ID] = true
		}
	}
	for _, id := range ids {
		if !archived[id] {
			t.Errorf("acknowledged event %s is not in the archive", id)
		}
	}
	s := openStoreT(t, dir)
	defer s.Close()
	msgs, err := deadletter.New("account", s.DeadLetters()).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Queue == deadletter.BusQueue("hook") {
			t.Errorf("dead letter %s: the webhook's retries should have outlasted its outage", m.Body)
		}
	}
}

// loader runs clients that each open an account and deposit into it until
// a request fails, as when the server goes away.
type loader struct {
	mu   sync.Mutex
	acks []ack
	wg   sync.WaitGroup
}

func startLoad(url string, clients int, run string) *loader {
	l := &loader{}
	hc := &http.Client{Timeout: 30 * time.Second}
	for c := range clients {
		account := fmt.Sprintf("%s-%d", run, c)
		l.wg.Go(func() {
			if !l.send(hc, url+"/accounts", fmt.Sprintf(`{"accountId":%q,"currency":"EUR"}`, account), account, "open") {
				return
			}
			for i := 0; l.send(hc, url+"/accounts/"+account+"/deposits", `{"amount":1}`, account, fmt.Sprintf("dep-%d", i)); i++ {
			}
		})
	}
	return l
}

// send posts one command and reports whether it was acknowledged.
func (l *loader) send(hc *http.Client, url, body, account, id string) bool {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", account+"-"+id)
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return false
	}
	l.mu.Lock()
	l.acks = append(l.acks, ack{account, account + "-" + id})
	l.mu.Unlock()
	return true
}

// wait waits until n commands are acknowledged.
func (l *loader) wait(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a measure
	for {
		l.mu.Lock()
		got := len(l.acks)
		l.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d commands acknowledged within 30s", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// done waits for the clients to stop and returns what was acknowledged.
func (l *loader) done() []ack {
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acks
}
