//go:build linux

package lambdarie

import (
	"bytes"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// output collects what the emulator and the bootstrap write. exec.Cmd
// writes to it from one goroutine when Stdout and Stderr are the same.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// The emulator's lines this package reads: rapid's init report, and the
// REPORT line it prints for each invocation.
var (
	initReportLine = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)
	fatalErrorLine = regexp.MustCompile(`First fatal error stored in appctx: (\S+)`)
	reportLine     = regexp.MustCompile(`(?m)^REPORT RequestId: (\S+)(?:\t[^\t\n]*)*?\tDuration: ([0-9.]+) ms`)
)

// logWait bounds how long the readers wait for a line to reach the output
// after the invocation that logged it has returned.
const logWait = time.Second

// InitDuration returns the init duration of the bootstrap as the emulator
// logged it: from just before the emulator started the bootstrap until the
// bootstrap first asked the Runtime API for an invocation. It is false
// until an Invoke has started the bootstrap.
func (f *Function) InitDuration() (time.Duration, bool) {
	var d time.Duration
	found := f.await(func(log string) bool {
		m := initReportLine.FindStringSubmatch(log)
		if m == nil {
			return false
		}
		d = milliseconds(m[1])
		return true
	})
	return d, found
}

// fatalError returns the first fatal error the emulator logged, or "".
func (f *Function) fatalError() string {
	var typ string
	f.await(func(log string) bool {
		if m := fatalErrorLine.FindStringSubmatch(log); m != nil {
			typ = m[1]
			return true
		}
		return false
	})
	return typ
}

// Report is the emulator's account of one invocation.
type Report struct {
	RequestID string
	// Duration is the emulator's "Duration": from taking the invocation
	// until the runtime had answered it.
	Duration time.Duration
}

// Reports returns the emulator's reports, in order, once there are at
// least n of them (or as many as there are after a short wait).
func (f *Function) Reports(n int) []Report {
	var reports []Report
	f.await(func(log string) bool {
		reports = reports[:0]
		for _, m := range reportLine.FindAllStringSubmatch(log, -1) {
			reports = append(reports, Report{RequestID: m[1], Duration: milliseconds(m[2])})
		}
		return len(reports) >= n
	})
	return reports
}

// await calls found with the output until it returns true, for up to
// logWait, and reports whether it did.
func (f *Function) await(found func(log string) bool) bool {
	deadline := time.Now().Add(logWait)
	for {
		if found(f.Log()) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// milliseconds parses a decimal number of milliseconds.
func milliseconds(s string) time.Duration {
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}
