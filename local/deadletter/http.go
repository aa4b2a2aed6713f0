package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/stepfold/stepfold/events"
)

// AdminPrefix is where Handler's routes live.
const AdminPrefix = "/admin/dlq"

// Handler serves the dead-letter admin routes, for the CLI when a server
// holds the data directory:
//
//	GET  /admin/dlq              every message of every domain
//	GET  /admin/dlq/{id}         one message, by its name (see Set)
//	POST /admin/dlq/{id}/redrive redrive one
//	POST /admin/dlq/redrive      redrive all
//
// An id that names no message is 404 MessageNotFound.
func Handler(r *Set) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPrefix, func(w http.ResponseWriter, req *http.Request) {
		ms, err := r.List(req.Context())
		reply(w, ms, err)
	})
	mux.HandleFunc("GET "+AdminPrefix+"/{id}", func(w http.ResponseWriter, req *http.Request) {
		m, err := r.Get(req.Context(), req.PathValue("id"))
		reply(w, m, err)
	})
	mux.HandleFunc("POST "+AdminPrefix+"/redrive", func(w http.ResponseWriter, req *http.Request) {
		res, err := r.RedriveAll(context.WithoutCancel(req.Context()))
		reply(w, res, err)
	})
	mux.HandleFunc("POST "+AdminPrefix+"/{id}/redrive", func(w http.ResponseWriter, req *http.Request) {
		res, err := r.Redrive(context.WithoutCancel(req.Context()), req.PathValue("id"))
		reply(w, res, err)
	})
	return mux
}

// errorBody is the body of an error answer.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func reply(w http.ResponseWriter, v any, err error) {
	status := http.StatusOK
	if err != nil {
		status, v = failure(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Client calls a server's admin routes. Its methods mirror Queues and
// Redriver.
type Client struct {
	Base string // e.g. http://127.0.0.1:8080
	HTTP *http.Client
}

// List returns every message.
func (c *Client) List(ctx context.Context) ([]Message, error) {
	var ms []Message
	return ms, c.call(ctx, http.MethodGet, AdminPrefix, &ms)
}

// Get returns one message.
func (c *Client) Get(ctx context.Context, id string) (Message, error) {
	var m Message
	return m, c.call(ctx, http.MethodGet, AdminPrefix+"/"+url.PathEscape(id), &m)
}

// Redrive redrives one message.
func (c *Client) Redrive(ctx context.Context, id string) (Result, error) {
	var r Result
	return r, c.call(ctx, http.MethodPost, AdminPrefix+"/"+url.PathEscape(id)+"/redrive", &r)
}

// RedriveAll redrives every message.
func (c *Client) RedriveAll(ctx context.Context) ([]Result, error) {
	var rs []Result
	return rs, c.call(ctx, http.MethodPost, AdminPrefix+"/redrive", &rs)
}

func (c *Client) call(ctx context.Context, method, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.Base, "/")+path, nil)
	if err != nil {
		return err
	}
	if method != http.MethodGet {
		// The server takes state-changing requests only as JSON.
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the server at %s: %w", c.Base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var b errorBody
		if json.Unmarshal(body, &b) == nil && b.Error != "" {
			return events.Errorf(events.Code(b.Error), "%s", b.Message)
		}
		return errors.New("server answered " + resp.Status)
	}
	return json.Unmarshal(body, out)
}

// failure is the status and body of an error: 404 for a message that is
// not there, 400 for a request the routes cannot take, 500 otherwise, with
// the text of an error that is no *events.Error held back.
func failure(err error) (int, errorBody) {
	var e *events.Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError, errorBody{Error: string(events.CodeInternal), Message: "internal error"}
	}
	status := http.StatusInternalServerError
	switch e.Code {
	case CodeMessageNotFound:
		status = http.StatusNotFound
	case events.CodeInvalidArgument:
		status = http.StatusBadRequest
	}
	return status, errorBody{Error: string(e.Code), Message: e.Message}
}
