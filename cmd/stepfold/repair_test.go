package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDamagedLogRefusedThenRepaired kills a real server under load, flips
// a byte in its write-ahead log, and checks the way back: serve refuses to
// start and says to run repair; a dry run changes nothing; repair drops
// what it reports; serve starts again. Every acknowledged command is then
// in the log or in repair's report, the read model is the fold of the
// log, and every account takes new commands.
func TestDamagedLogRefusedThenRepaired(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the damaged-log test, which builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "stepfold")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	first := startBinary(t, bin, dir)
	acks := load(t, first.url, 24, 150*time.Millisecond, first)
	seg, damaged := flipRecord(t, dir, 3)

	code, out := runBinary(t, bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	for _, want := range []string{filepath.Base(seg), "is damaged at offset", "records after them do", "stepfold repair --data " + dir} {
		if code == 0 || !strings.Contains(out, want) {
			t.Fatalf("serve on a damaged log exited %d; want non-zero, saying %q:\n%s", code, want, out)
		}
	}
	t.Logf("serve:\n%s", out)
	code, out = runBinary(t, bin, "repair", "--data", dir, "--dry-run")
	if got, _ := os.ReadFile(seg); code != 0 || !strings.Contains(out, "would drop") || !bytes.Equal(got, damaged) {
		t.Fatalf("repair --dry-run exited %d, changed the segment: %v:\n%s", code, !bytes.Equal(got, damaged), out)
	}
	code, out = runBinary(t, bin, "repair", "--data", dir)
	dropped := droppedCommands(out)
	if code != 0 || len(dropped) == 0 || !strings.Contains(out, "removed "+readModelFile) {
		t.Fatalf("repair exited %d, dropping %v:\n%s", code, dropped, out)
	}
	t.Logf("repair:\n%s", out)

	p := startBinary(t, bin, dir)
	for _, a := range accountsOf(acks) {
		resp, err := http.Post(p.url+"/accounts/"+a+"/deposits", "application/json", strings.NewReader(`{"amount":777}`))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("a deposit to %s after the repair: %v %v", a, resp, err)
		}
		resp.Body.Close()
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("the repaired server did not shut down cleanly: %v\n%s", err, p.log)
	}
	s := openStoreT(t, dir)
	defer s.Close()
	for _, a := range acks {
		evs, err := s.Command(context.Background(), a.account, a.commandID, "")
		if err != nil || len(evs) == 0 && !dropped[a] || len(evs) > 0 && dropped[a] {
			t.Errorf("acknowledged %s on %s: %d events (%v); repair reported it dropped: %v", a.commandID, a.account, len(evs), err, dropped[a])
		}
	}
	checkFolded(t, s, openStatesT(t, dir))
	t.Logf("%d acknowledged commands; repair dropped %d", len(acks), len(dropped))
}

// runBinary runs the binary to its end and returns its exit code and output.
func runBinary(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case ctx.Err() != nil:
		t.Fatalf("%s did not end within a minute:\n%s", strings.Join(args, " "), out)
	case !errors.As(err, &exit):
		t.Fatal(err)
	}
	return exit.ExitCode(), string(out)
}

// flipRecord flips a byte in the events of the k-th last whole record of
// the last log segment in dir, and returns the segment and its new bytes.
// Records are a 4-byte little-endian payload length, a 4-byte checksum
// and the payload (events/boltstore/wal.go); the last ones are newer than
// any checkpoint of a server killed under load, so only the log holds
// them.
func flipRecord(t *testing.T, dir string, k int) (string, []byte) {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dir, "account", storeFile+"-log", "*.log"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("no log segments in %s: %v", dir, err)
	}
	seg := slices.Max(segs)
	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	var ends []int
	for off := 0; off+8 <= len(b); {
		end := off + 8 + int(binary.LittleEndian.Uint32(b[off:]))
		if end > len(b) {
			break
		}
		ends, off = append(ends, end), end
	}
	if len(ends) < k+1 {
		t.Fatalf("%s holds %d whole records; want more than %d", seg, len(ends), k)
	}
	b[ends[len(ends)-k]-3] ^= 0xff
	if err := os.WriteFile(seg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return seg, b
}

// droppedCommands reads the appends repair reports dropped.
func droppedCommands(out string) map[ack]bool {
	m := map[ack]bool{}
	for _, g := range regexp.MustCompile(`record \d+: account (\S+), command (\S+),`).FindAllStringSubmatch(out, -1) {
		m[ack{g[1], g[2]}] = true
	}
	return m
}

func accountsOf(acks []ack) []string {
	var out []string
	for _, a := range acks {
		if !slices.Contains(out, a.account) {
			out = append(out, a.account)
		}
	}
	return out
}

// TestRepairCommand runs repair through the real main: on a sound log it
// changes nothing, and it refuses a data dir a running server holds, and
// an argument it does not take.
func TestRepairCommand(t *testing.T) {
	dir := t.TempDir()
	s := startMain(t, dir)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`)
	code, _, errOut := runCLI(t, context.Background(), nil, "repair", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "in use by a running server (pid") || !strings.Contains(errOut, "stop it first") {
		t.Fatalf("repair on a served data dir: %d %q", code, errOut)
	}
	if code := s.stop(t); code != 0 {
		t.Fatal(code)
	}
	for _, args := range [][]string{{"repair", "--data", dir, "--dry-run"}, {"repair", "--data", dir}} {
		code, out, errOut := runCLI(t, context.Background(), nil, args...)
		if code != 0 || !strings.Contains(out, "is sound: nothing to repair") {
			t.Fatalf("%v on a sound log: %d %q %q", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "account", readModelFile)); err != nil {
		t.Fatalf("repair of a sound log removed the read model: %v", err)
	}
	code, _, errOut = runCLI(t, context.Background(), nil, "repair", "--data", dir, "now")
	if code != 1 || !strings.Contains(errOut, `unexpected argument "now"`) {
		t.Fatalf("repair with an argument: %d %q", code, errOut)
	}
	code, out, _ := runCLI(t, context.Background(), nil, "help")
	if code != 0 || !strings.Contains(out, "repair ") {
		t.Fatalf("help does not list repair: %q", out)
	}
}
