//go:build linux

package functiontest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// PutEvents serves EventBridge's PutEvents, as the SDK calls it, and keeps
// the entries. No EventBridge emulator exists; this checks the request the
// real client sends and answers as EventBridge does.
type PutEvents struct {
	tb      testing.TB
	mu      sync.Mutex
	entries []PutEntry
}

// PutEntry is one PutEvents entry as the SDK serialises it.
type PutEntry struct {
	Source       string
	DetailType   string
	Detail       string
	EventBusName string
	Time         json.Number
	Resources    []string
}

func (p *PutEvents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if problem := check(r); problem != "" {
		p.tb.Errorf("PutEvents request: %s", problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	var in struct{ Entries []PutEntry }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		p.tb.Errorf("PutEvents body %s: %v", body, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	results := make([]map[string]string, len(in.Entries))
	for i, e := range in.Entries {
		results[i] = map[string]string{"EventId": fmt.Sprintf("event-%d", len(p.entries))}
		p.entries = append(p.entries, e)
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"FailedEntryCount": 0, "Entries": results})
}

// check returns what is wrong with a PutEvents request, or "": the target,
// and a SigV4 signature with the role's key and session token.
func check(r *http.Request) string {
	switch {
	case r.Method != http.MethodPost:
		return "method " + r.Method
	case r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents":
		return "target " + r.Header.Get("X-Amz-Target")
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=local/"):
		return "authorization " + r.Header.Get("Authorization")
	case r.Header.Get("X-Amz-Security-Token") != SessionToken:
		return "security token " + r.Header.Get("X-Amz-Security-Token")
	}
	return ""
}

// Received returns the entries put so far.
func (p *PutEvents) Received() []PutEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PutEntry(nil), p.entries...)
}

// Published checks that every entry received is one event of the domain
// whose EventBridge source is source, on BusName, with the event's type as
// its detail type and a time, and returns the events' ids in order.
func (p *PutEvents) Published(tb testing.TB, source string) []string {
	tb.Helper()
	var ids []string
	for _, e := range p.Received() {
		var detail struct{ ID, Type string }
		if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil {
			tb.Fatalf("detail %s: %v", e.Detail, err)
		}
		if e.Source != source || e.EventBusName != BusName || e.DetailType != detail.Type || e.Time == "" {
			tb.Errorf("entry %+v: want source %s on %s, detail type %s and a time", e, source, BusName, detail.Type)
		}
		ids = append(ids, detail.ID)
	}
	return ids
}
