package eventbus

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/stepfold/stepfold/events"
)

// endpoint answers with statuses in turn, then with the last one, and keeps
// the bodies it received.
type endpoint struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	defer e.mu.Unlock()
	status := e.statuses[min(len(e.bodies), len(e.statuses)-1)]
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		status = http.StatusMethodNotAllowed
	}
	e.bodies = append(e.bodies, body)
	w.WriteHeader(status)
}

func (e *endpoint) calls() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.bodies)
}

func webhookBus(t *testing.T, url string, dlq *memDLQ, s *noSleep) *Bus {
	t.Helper()
	wh, err := NewWebhook(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(t.TempDir(), realRules(t)[:1], WithSource(bankSource), WithTarget("notify", wh, dlq), WithRetry(fastRetry), WithSleeper(s.sleep))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWebhookRetriesThenSucceeds(t *testing.T) {
	ep := &endpoint{statuses: []int{503, 429, 500, 204}}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	dlq, s := &memDLQ{}, &noSleep{}
	b := webhookBus(t, srv.URL, dlq, s)
	if err := b.Publish(context.Background(), history()[2:3]); err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	if ep.calls() != 4 || len(s.waits) != 3 || len(dlq.ids(t)) != 0 {
		t.Fatalf("calls %d, waits %v, dead letters %v; want 4 calls, 3 waits, none", ep.calls(), s.waits, dlq.ids(t))
	}
	for _, body := range ep.bodies {
		if e := decodeEvent(t, body); e.ID != "acc-1:3" || e.DetailType != "FundsWithdrawn" {
			t.Errorf("posted %s; want the bus event acc-1:3", body)
		}
	}
}

func TestWebhookFailureGoesToDeadLetters(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		wantCalls int
	}{
		{"always 500", []int{500}, fastRetry.Attempts},
		{"always 429", []int{429}, fastRetry.Attempts},
		{"400 is permanent", []int{400}, 1},
		{"404 after 503", []int{503, 404}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep := &endpoint{statuses: tt.statuses}
			srv := httptest.NewServer(ep)
			defer srv.Close()
			dlq := &memDLQ{}
			b := webhookBus(t, srv.URL, dlq, &noSleep{})
			if err := b.Publish(context.Background(), history()[2:3]); err != nil {
				t.Fatal(err)
			}
			drain(t, b)
			closeBus(t, b)
			if ep.calls() != tt.wantCalls || !slices.Equal(dlq.ids(t), []string{"acc-1:3"}) {
				t.Errorf("calls %d, dead letters %v; want %d and [acc-1:3]", ep.calls(), dlq.ids(t), tt.wantCalls)
			}
		})
	}
}

func TestWebhookNetworkErrorIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	dlq, s := &memDLQ{}, &noSleep{}
	b := webhookBus(t, url, dlq, s)
	if err := b.Publish(context.Background(), history()[2:3]); err != nil {
		t.Fatal(err)
	}
	drain(t, b)
	closeBus(t, b)
	if len(s.waits) != fastRetry.Attempts-1 || !slices.Equal(dlq.ids(t), []string{"acc-1:3"}) {
		t.Errorf("waits %v, dead letters %v; want %d waits and [acc-1:3]", s.waits, dlq.ids(t), fastRetry.Attempts-1)
	}
}

func TestWebhookDeliverClassifiesAnswers(t *testing.T) {
	tests := []struct {
		status    int
		wantErr   bool
		permanent bool
	}{
		{200, false, false}, {202, false, false}, {301, true, true}, {400, true, true},
		{408, true, false}, {429, true, false}, {500, true, false}, {502, true, false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			srv := httptest.NewServer(&endpoint{statuses: []int{tt.status}})
			defer srv.Close()
			wh, err := NewWebhook(srv.URL, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			err = wh.Deliver(context.Background(), []byte(`{}`))
			var se *StatusError
			if (err != nil) != tt.wantErr || IsPermanent(err) != tt.permanent || (err != nil && (!errors.As(err, &se) || se.StatusCode != tt.status)) {
				t.Errorf("Deliver = %v; want error %v, permanent %v", err, tt.wantErr, tt.permanent)
			}
		})
	}
}

func TestNewWebhookRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://host/x", "/relative", "http://", "://bad"} {
		if _, err := NewWebhook(u, nil); !errors.Is(err, events.ErrInvalidArgument) {
			t.Errorf("NewWebhook(%q) = %v; want InvalidArgument", u, err)
		}
	}
}
