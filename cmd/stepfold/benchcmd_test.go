package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchCommand drives a real server with stepfold bench and checks
// what it reports: every account opened, commands and reads answered
// with statuses the bank allows, and the read phase skipped on request.
func TestBenchCommand(t *testing.T) {
	_, url := newTestApp(t, t.TempDir(), nil)
	addr := strings.TrimPrefix(url, "http://")
	ctx := context.Background()
	phase := regexp.MustCompile(`(?m)^(\w+) +(\d+) ok in .*statuses map\[([^\]]*)\]$`)
	tests := []struct {
		name   string
		args   []string
		phases []string
	}{
		{"writes and reads", []string{"--read-duration", "200ms"}, []string{"open", "commands", "reads"}},
		{"writes only", []string{"--read-duration", "0"}, []string{"open", "commands"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"bench", "--addr", addr, "--clients", "4", "--accounts", "5", "--duration", "300ms"}, tt.args...)
			code, out, errOut := runCLI(t, ctx, nil, args...)
			if code != 0 {
				t.Fatalf("bench exited %d: %s%s", code, out, errOut)
			}
			got := phase.FindAllStringSubmatch(out, -1)
			if len(got) != len(tt.phases) {
				t.Fatalf("phases reported:\n%s\nwant %v", out, tt.phases)
			}
			for i, m := range got {
				n, _ := strconv.Atoi(m[2])
				statuses := parseStatuses(t, m[3])
				if m[1] != tt.phases[i] {
					t.Errorf("phase %d is %q, want %q", i, m[1], tt.phases[i])
				}
				if m[1] == "open" && (n != 5 || statuses[201] != 5) {
					t.Errorf("open: %d ok, statuses %s; want the 5 accounts created", n, m[3])
				}
				if n == 0 || statuses[0] > 0 || serverErrors(statuses) > 0 {
					t.Errorf("%s: %d ok, statuses %s; want successes and no transport or server errors", m[1], n, m[3])
				}
			}
		})
	}
	code, _, errOut := runCLI(t, ctx, nil, "bench", "--addr", addr, "--clients", "0")
	if code == 0 || !strings.Contains(errOut, "--clients, --accounts and --max-conns must be at least 1") {
		t.Fatalf("--clients 0: exit %d, %q", code, errOut)
	}
}

// parseStatuses reads the "200:12 422:3" of a bench report line.
func parseStatuses(t *testing.T, text string) map[int]int {
	t.Helper()
	out := map[int]int{}
	for _, f := range strings.Fields(text) {
		code, n, ok := strings.Cut(f, ":")
		c, err1 := strconv.Atoi(code)
		k, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad statuses %q", text)
		}
		out[c] = k
	}
	return out
}

func serverErrors(statuses map[int]int) int {
	n := 0
	for code, k := range statuses {
		if code >= 500 {
			n += k
		}
	}
	return n
}
