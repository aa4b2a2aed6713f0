package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/server/pipeline"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/httpstatus"
)

// MaxBody is the largest request body accepted: 256 KiB, the API Gateway
// and Step Functions payload limit.
const MaxBody = 256 * 1024

// Runner runs one command through the account state machine and waits
// for it to end. An error means the execution could not be run at all.
type Runner interface {
	Run(ctx context.Context, cmd events.Command) (pipeline.Outcome, error)
}

// Reader answers the reads. tasks.Service implements it.
type Reader interface {
	GetAccount(ctx context.Context, account string) (events.State, error)
	ListEvents(ctx context.Context, account string, from int64, limit int) (tasks.Page, error)
	GetAccountAt(ctx context.Context, account string, at tasks.AsOf) (events.State, error)
}

// Config is what New needs. Runner and Reader are required.
type Config struct {
	Runner Runner
	Reader Reader
	// Logger receives one line per write; the default discards.
	Logger *slog.Logger
}

// Handler is the account API. Build it with New.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the API handler, or an InvalidArgument *events.Error when a
// required part of c is missing.
func New(c Config) (*Handler, error) {
	switch {
	case c.Runner == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "httpapi: Config.Runner is required")
	case c.Reader == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "httpapi: Config.Reader is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: c, mux: http.NewServeMux()}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	h.mux.HandleFunc("POST /accounts", h.open)
	h.mux.HandleFunc("POST /accounts/{id}/deposits", h.transaction(events.Deposit))
	h.mux.HandleFunc("POST /accounts/{id}/withdrawals", h.transaction(events.Withdraw))
	h.mux.HandleFunc("POST /accounts/{id}/reversals", h.reverse)
	h.mux.HandleFunc("POST /accounts/{id}/close", h.close)
	h.mux.HandleFunc("GET /accounts/{id}", h.get)
	h.mux.HandleFunc("GET /accounts/{id}/events", h.list)
}

// ServeHTTP routes the request, after giving it a request id.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if !events.ValidID(id) {
		id = NewID()
	}
	w.Header().Set("X-Request-Id", id)
	h.mux.ServeHTTP(w, r.WithContext(withRequestID(r.Context(), id)))
}

// NewID returns a fresh random id that events.ValidID accepts.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type requestIDKey struct{}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id the handler gave the request, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// apiError is the body of every error response.
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"Internal","message":"cannot encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError writes err as {error, message}, with the status of its code.
func (h *Handler) writeError(w http.ResponseWriter, err error) {
	var be *bodyError
	if errors.As(err, &be) {
		writeJSON(w, be.status, apiError{Error: string(events.CodeInvalidCommand), Message: be.msg})
		return
	}
	code := events.ErrorCode(err)
	msg := err.Error()
	var e *events.Error
	if errors.As(err, &e) && e.Message != "" {
		msg = e.Message
	}
	writeJSON(w, httpstatus.Status(string(code)), apiError{Error: string(code), Message: msg})
}

// parseInt reads an optional integer query parameter.
func parseInt(r *http.Request, name string, def int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, events.Errorf(events.CodeInvalidCommand, "%s must be an integer, got %q", name, s)
	}
	return n, nil
}

// accountID reads and checks the {id} path value.
func accountID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	return id, events.CheckID(events.CodeInvalidCommand, "account id", id)
}

// parseTime reads an optional RFC 3339 occurredAt.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, events.Errorf(events.CodeInvalidCommand, "occurredAt %q is not an RFC 3339 time such as 2026-11-23T10:00:00Z", s)
	}
	return t, nil
}
