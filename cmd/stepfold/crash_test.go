package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// ack is a command the server acknowledged with a 2xx.
type ack struct{ account, commandID string }

// TestCrashLosesNoAcknowledgedCommand builds the binary, runs serve as a
// subprocess under concurrent load, kills it with SIGKILL mid-load,
// restarts it and checks that every acknowledged command's events are in
// the log and that the read model equals the fold of the log.
func TestCrashLosesNoAcknowledgedCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the crash test, which builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "stepfold")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	p := startBinary(t, bin, dir)
	acks := load(t, p.url, 24, 150*time.Millisecond, p)
	if len(acks) < 50 {
		t.Fatalf("only %d commands were acknowledged before the kill; the test proves little", len(acks))
	}
	p = startBinary(t, bin, dir)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("restarted server did not shut down cleanly: %v\n%s", err, p.log)
	}
	if !strings.Contains(p.log.String(), `"msg":"read model caught up"`) {
		t.Errorf("the restart did not catch up:\n%s", p.log)
	}
	if !strings.Contains(p.log.String(), "the read model was not closed cleanly") {
		t.Errorf("the restart kept the read model of a killed server:\n%s", p.log)
	}
	s := openStoreT(t, dir)
	defer s.Close()
	ctx := context.Background()
	for _, a := range acks {
		evs, err := s.Command(ctx, a.account, a.commandID, "")
		if err != nil || len(evs) == 0 {
			t.Errorf("acknowledged command %s on %s is not in the log (%v)", a.commandID, a.account, err)
		}
	}
	n := checkFolded(t, s, openStatesT(t, dir))
	t.Logf("%d acknowledged commands over %d accounts survived the kill", len(acks), n)
}

// process is serve running as a subprocess.
type process struct {
	cmd *exec.Cmd
	url string
	log *lockedBuffer
}

func startBinary(t *testing.T, bin, dir string, flags ...string) *process {
	t.Helper()
	_ = os.Remove(filepath.Join(dir, serverFile)) // a killed server leaves it behind
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, flags...)
	p := &process{cmd: exec.Command(bin, args...), log: &lockedBuffer{}}
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if info, ok := readServerInfo(dir); ok && info.PID == p.cmd.Process.Pid {
			p.url = "http://" + info.Addr
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not listen:\n%s", p.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// load runs clients that each open an account and deposit into it, kills
// the server after warmup, and returns the acknowledged commands.
func load(t *testing.T, url string, clients int, warmup time.Duration, p *process) []ack {
	t.Helper()
	var (
		mu   sync.Mutex
		acks []ack
		wg   sync.WaitGroup
	)
	hc := &http.Client{Timeout: 10 * time.Second}
	for c := range clients {
		wg.Go(func() {
			account := fmt.Sprintf("crash-%d", c)
			for i := 0; ; i++ {
				path, body, id := "/accounts/"+account+"/deposits", `{"amount":1}`, fmt.Sprintf("c%d-dep-%d", c, i)
				if i == 0 {
					path, body, id = "/accounts", fmt.Sprintf(`{"accountId":%q,"currency":"EUR"}`, account), fmt.Sprintf("c%d-open", c)
				}
				req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", id)
				resp, err := hc.Do(req)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					mu.Lock()
					acks = append(acks, ack{account, id})
					mu.Unlock()
				} else if i == 0 {
					return
				}
			}
		})
	}
	time.Sleep(warmup)
	for {
		mu.Lock()
		n := len(acks)
		mu.Unlock()
		if n >= 200 || warmup > 10*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
		warmup += 50 * time.Millisecond
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return append([]ack(nil), acks...)
}

// TestGracefulShutdown stops the server under load and checks that each
// command answered 2xx is folded and archived: the executions in flight
// finished, the bus drained, and the store closed cleanly.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	s := startMain(t, dir)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	var (
		wg  sync.WaitGroup
		oks atomic.Int64
	)
	for c := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				req, _ := http.NewRequest("POST", s.url+"/accounts/acc-1/deposits", strings.NewReader(`{"amount":1}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("g-%d-%d", c, i))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // refused: the server stopped accepting
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					return
				}
				oks.Add(1)
			}
		})
	}
	for oks.Load() < 30 {
		time.Sleep(5 * time.Millisecond)
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("serve exited with %d:\n%s", code, s.stderr)
	}
	wg.Wait()
	st := openStoreT(t, dir)
	defer st.Close()
	states := openStatesT(t, dir)
	state, err := accountState(t, states, "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if state.Balance < oks.Load() {
		t.Fatalf("%d deposits were acknowledged but the read model holds %d", oks.Load(), state.Balance)
	}
	checkFolded(t, st, states)
	archived, err := os.ReadFile(filepath.Join(dir, "account", archiveFile))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(archived), "\n"); int64(lines) != state.Version {
		t.Errorf("the archive holds %d events, the log %d: the bus did not drain", lines, state.Version)
	}
	t.Logf("%d deposits acknowledged, %d in the log", oks.Load(), state.Version-1)
}
