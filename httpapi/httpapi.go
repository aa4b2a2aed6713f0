package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

// MaxBody is the largest request body accepted: 256 KiB, the API Gateway
// and Step Functions payload limit.
const MaxBody = 256 * 1024

// Outcome is how one command's execution ended.
type Outcome struct {
	ExecutionARN string
	// Succeeded reports that the execution succeeded, with Output.
	Succeeded bool
	Output    json.RawMessage
	// Error and Cause name the failure otherwise: Error is the error name
	// (a events.Code or a States.* name).
	Error string
	Cause string
}

// Message is the failure's message for a person: the errorMessage of a
// Lambda error cause ({"errorMessage": …, "errorType": …}), or the cause.
func (o Outcome) Message() string {
	var lambdaErr struct {
		Message string `json:"errorMessage"`
	}
	if json.Unmarshal([]byte(o.Cause), &lambdaErr) == nil && lambdaErr.Message != "" {
		return lambdaErr.Message
	}
	return o.Cause
}

// Runner runs one command, as its JSON, through the domain's state machine
// and waits for it to end. An error means the execution could not run.
type Runner interface {
	Run(ctx context.Context, commandID string, command []byte) (Outcome, error)
}

// Reader answers the reads; *tasks.Service implements it.
type Reader interface {
	State(ctx context.Context, stream string) (json.RawMessage, error)
	StateAt(ctx context.Context, stream string, at tasks.AsOf) (json.RawMessage, error)
	Events(ctx context.Context, stream string, from int64, limit int) (tasks.Page, error)
}

// Config is what New needs. Info and Reader are required; Runner and Check
// are required for the command routes, which are left out without them
// (the read Lambda serves only the reads).
type Config struct {
	Info   events.Info
	Reader Reader
	Runner Runner
	// Check reads a command the domain's strict way before it runs (the
	// domain's Decode); a failure is answered with its code and nothing runs.
	Check func(command []byte) error
	// Logger receives one line per command; the default discards.
	Logger *slog.Logger
}

// Handler is a domain's API. Build it with New.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the API handler, or an InvalidArgument *events.Error when a
// required part of c is missing.
func New(c Config) (*Handler, error) {
	switch {
	case c.Reader == nil:
		return nil, events.Errorf(events.CodeInvalidArgument, "httpapi: Config.Reader is required")
	case (c.Runner == nil) != (c.Check == nil):
		return nil, events.Errorf(events.CodeInvalidArgument, "httpapi: Config.Runner and Config.Check go together")
	case c.Info.Name == "":
		return nil, events.Errorf(events.CodeInvalidArgument, "httpapi: Config.Info names no domain")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: c, mux: http.NewServeMux()}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	base := "/" + Collection(h.cfg.Info)
	if h.cfg.Runner != nil {
		for _, r := range CommandRoutes(h.cfg.Info) {
			h.mux.Handle("POST "+routePath(base, r), h.command(r))
		}
	}
	h.mux.HandleFunc("GET "+base+"/{id}", h.get)
	h.mux.HandleFunc("GET "+base+"/{id}/events", h.list)
}

// Collection is the first path segment of the domain's routes.
func Collection(info events.Info) string {
	if info.Routes.Collection != "" {
		return info.Routes.Collection
	}
	return info.Name
}

// CommandRoutes are the domain's command routes: its own, or the generic
// route when it declares none.
func CommandRoutes(info events.Info) []events.Route {
	if len(info.Routes.Commands) > 0 {
		return info.Routes.Commands
	}
	return []events.Route{{Path: "commands"}}
}

func routePath(base string, r events.Route) string {
	if r.Path == "" {
		return base
	}
	return base + "/{id}/" + r.Path
}

// ServeHTTP routes the request, after giving it a request id.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if !events.ValidID(id) {
		id = NewID()
	}
	w.Header().Set("X-Request-Id", id)
	r = r.WithContext(withRequestID(r.Context(), id))
	if route, pattern := h.mux.Handler(r); pattern == "" {
		noRoute(w, r, route)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// noRoute answers a request no route takes with the mux's status (404, or
// 405 with its Allow header) and a JSON error body like every other answer.
func noRoute(w http.ResponseWriter, r *http.Request, mux http.Handler) {
	probe := &statusOnly{header: http.Header{}}
	mux.ServeHTTP(probe, r)
	if allow := probe.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	code, msg := "RouteNotFound", "no route for "+r.URL.Path
	if probe.status == http.StatusMethodNotAllowed {
		code, msg = "MethodNotAllowed", r.Method+" is not allowed; use "+probe.header.Get("Allow")
	}
	writeJSON(w, probe.status, ErrorBody{Error: code, Message: msg})
}

// statusOnly is a ResponseWriter that keeps only the status and header.
type statusOnly struct {
	status int
	header http.Header
}

func (s *statusOnly) Header() http.Header         { return s.header }
func (s *statusOnly) WriteHeader(status int)      { s.status = status }
func (s *statusOnly) Write(b []byte) (int, error) { return len(b), nil }

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

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"Internal","message":"cannot encode the response"}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError writes err as {error, message}, with the status of its code.
// An error that is no *events.Error is Internal, and its text is not shown,
// since it may name internals.
func (h *Handler) writeError(w http.ResponseWriter, err error) {
	var be *bodyError
	if errors.As(err, &be) {
		writeJSON(w, be.status, ErrorBody{Error: string(events.CodeInvalidCommand), Message: be.msg})
		return
	}
	var e *events.Error
	if !errors.As(err, &e) {
		writeJSON(w, http.StatusInternalServerError, ErrorBody{Error: string(events.CodeInternal), Message: "internal error"})
		return
	}
	msg := e.Message
	if msg == "" {
		msg = e.Error()
	}
	writeJSON(w, h.cfg.Info.Status(e.Code), ErrorBody{Error: string(e.Code), Message: msg})
}
