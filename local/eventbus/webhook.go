package eventbus

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/stepfold/stepfold/events"
)

// DefaultWebhookTimeout bounds one POST when NewWebhook gets no client.
const DefaultWebhookTimeout = 10 * time.Second

// Webhook is a target that POSTs each event, as JSON, to an HTTP endpoint.
type Webhook struct {
	url    string
	client *http.Client
}

var _ Target = (*Webhook)(nil)

// StatusError is a webhook's answer outside 2xx.
type StatusError struct {
	URL        string
	StatusCode int
}

// Error names the endpoint and the status.
func (e *StatusError) Error() string {
	return fmt.Sprintf("webhook %s answered %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// NewWebhook returns a target that posts to endpoint, an http or https URL,
// with client (nil for one with DefaultWebhookTimeout). Errors are
// InvalidArgument.
func NewWebhook(endpoint string, client *http.Client) (*Webhook, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, events.Errorf(events.CodeInvalidArgument, "localbus: webhook endpoint %q must be an http or https URL", endpoint)
	}
	if client == nil {
		client = &http.Client{Timeout: DefaultWebhookTimeout}
	}
	return &Webhook{url: endpoint, client: client}, nil
}

// Deliver POSTs event. Network errors, 429 and 5xx answers are worth a
// retry; other answers outside 2xx are permanent (see Permanent).
func (w *Webhook) Deliver(ctx context.Context, event []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(event))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return classify(w.url, resp.StatusCode)
}

func classify(endpoint string, status int) error {
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
		return &StatusError{URL: endpoint, StatusCode: status}
	}
	return Permanent(&StatusError{URL: endpoint, StatusCode: status})
}
