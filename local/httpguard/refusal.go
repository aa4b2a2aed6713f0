package httpguard

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// writeError writes a refusal as {"error": name, "message": msg}, or, to
// a request in the AWS JSON protocol (it has an X-Amz-Target), as that
// protocol's {"__type": name, "message": msg}, which the AWS CLI and SDKs
// show. The name is also in X-Amzn-ErrorType.
func writeError(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	key := "error"
	if r.Header.Get("X-Amz-Target") != "" {
		key = "__type"
	}
	b, _ := json.Marshal(map[string]string{key: name, "message": msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", name)
	h.Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// throttle lets a log line through at most once per interval for each key,
// and counts the ones it held back.
type throttle struct {
	every time.Duration
	mu    sync.Mutex
	last  map[string]time.Time
	held  map[string]int
}

func newThrottle(every time.Duration) *throttle {
	return &throttle{every: every, last: map[string]time.Time{}, held: map[string]int{}}
}

// pass reports whether a line for key may be logged now and, if so, how
// many were held back since the last one.
func (t *throttle) pass(key string) (bool, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if last, ok := t.last[key]; ok && now.Sub(last) < t.every {
		t.held[key]++
		return false, 0
	}
	held := t.held[key]
	t.last[key], t.held[key] = now, 0
	return true, held
}
