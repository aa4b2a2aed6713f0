package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/server/pipeline"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/httpstatus"
)

type openBody struct {
	AccountID  string `json:"accountId"`
	Currency   string `json:"currency"`
	OccurredAt string `json:"occurredAt"`
}

type transactionBody struct {
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	OccurredAt string `json:"occurredAt"`
	Reference  string `json:"reference"`
}

type reversalBody struct {
	EventID    string `json:"eventId"`
	OccurredAt string `json:"occurredAt"`
}

type closeBody struct {
	OccurredAt string `json:"occurredAt"`
}

func (h *Handler) open(w http.ResponseWriter, r *http.Request) {
	var b openBody
	if err := decodeBody(w, r, &b, false); err != nil {
		h.writeError(w, err)
		return
	}
	h.command(w, r, events.Command{Type: events.OpenAccount, AccountID: b.AccountID, Currency: b.Currency}, b.OccurredAt)
}

func (h *Handler) transaction(typ events.CommandType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b transactionBody
		if err := decodeBody(w, r, &b, false); err != nil {
			h.writeError(w, err)
			return
		}
		c := events.Command{Type: typ, AccountID: r.PathValue("id"), Amount: b.Amount, Currency: b.Currency, Reference: b.Reference}
		h.command(w, r, c, b.OccurredAt)
	}
}

func (h *Handler) reverse(w http.ResponseWriter, r *http.Request) {
	var b reversalBody
	if err := decodeBody(w, r, &b, false); err != nil {
		h.writeError(w, err)
		return
	}
	h.command(w, r, events.Command{Type: events.ReverseTransaction, AccountID: r.PathValue("id"), EventID: b.EventID}, b.OccurredAt)
}

func (h *Handler) close(w http.ResponseWriter, r *http.Request) {
	var b closeBody
	if err := decodeBody(w, r, &b, true); err != nil {
		h.writeError(w, err)
		return
	}
	h.command(w, r, events.Command{Type: events.CloseAccount, AccountID: r.PathValue("id")}, b.OccurredAt)
}

// command completes c from the request, checks it and runs it.
func (h *Handler) command(w http.ResponseWriter, r *http.Request, c events.Command, occurredAt string) {
	var err error
	if c.OccurredAt, err = parseTime(occurredAt); err != nil {
		h.writeError(w, err)
		return
	}
	c.CommandID = r.Header.Get("Idempotency-Key")
	if c.CommandID == "" {
		c.CommandID = NewID()
	}
	c.CorrelationID = RequestID(r.Context())
	if err := c.Validate(); err != nil {
		h.writeError(w, err)
		return
	}
	h.run(w, r, c)
}

// run executes c to the end, even if the client goes away: a command that
// was persisted must also be published and folded.
func (h *Handler) run(w http.ResponseWriter, r *http.Request, c events.Command) {
	start := time.Now()
	out, err := h.cfg.Runner.Run(context.WithoutCancel(r.Context()), c)
	done := runLog{h: h, r: r, c: c, out: out, took: time.Since(start)}
	if err != nil {
		done.log(slog.LevelError, "execution could not run", slog.Any("err", err))
		h.writeError(w, err)
		return
	}
	if !out.Succeeded() {
		done.log(slog.LevelInfo, "command failed", slog.Any("status", out.Status), slog.String("error", out.Error))
		h.writeFailure(w, out)
		return
	}
	done.log(slog.LevelInfo, "command succeeded")
	status := http.StatusOK
	if c.Type == events.OpenAccount {
		status = http.StatusCreated
	}
	w.Header().Set("X-Execution-Arn", out.ExecutionARN)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(out.Output, '\n'))
}

// runLog is what the log line of one command's execution carries.
type runLog struct {
	h    *Handler
	r    *http.Request
	c    events.Command
	out  pipeline.Outcome
	took time.Duration
}

// log writes the line at level, building its attributes only when the
// logger takes that level: at warn, a command that succeeds costs nothing.
func (l runLog) log(level slog.Level, msg string, extra ...slog.Attr) {
	ctx := l.r.Context()
	if !l.h.cfg.Logger.Enabled(ctx, level) {
		return
	}
	attrs := append([]slog.Attr{
		slog.String("requestId", RequestID(ctx)), slog.String("commandId", l.c.CommandID),
		slog.String("command", string(l.c.Type)), slog.String("accountId", l.c.AccountID),
		slog.String("executionArn", l.out.ExecutionARN), slog.Duration("duration", l.took),
	}, extra...)
	l.h.cfg.Logger.LogAttrs(ctx, level, msg, attrs...)
}

// writeFailure answers for a failed execution: its error name is the code.
func (h *Handler) writeFailure(w http.ResponseWriter, out pipeline.Outcome) {
	code := out.Error
	if code == "" {
		code = string(events.CodeInternal)
	}
	w.Header().Set("X-Execution-Arn", out.ExecutionARN)
	writeJSON(w, httpstatus.Status(code), apiError{Error: code, Message: out.Message()})
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	var s events.State
	if q := r.URL.Query().Get("asOf"); q != "" {
		s, err = h.getAt(r.Context(), id, q)
	} else {
		s, err = h.cfg.Reader.GetAccount(r.Context(), id)
	}
	if err != nil {
		h.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (h *Handler) getAt(ctx context.Context, id, q string) (events.State, error) {
	at, err := tasks.ParseAsOf(q)
	if err != nil {
		return events.State{}, err
	}
	return h.cfg.Reader.GetAccountAt(ctx, id, at)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	id, err := accountID(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	from, err := parseInt(r, "from", 1)
	if err != nil {
		h.writeError(w, err)
		return
	}
	limit, err := parseInt(r, "limit", tasks.DefaultPageLimit)
	if err != nil {
		h.writeError(w, err)
		return
	}
	if limit < 1 || limit > events.MaxReadLimit {
		h.writeError(w, events.Errorf(events.CodeInvalidCommand, "limit must be between 1 and %d, got %d", events.MaxReadLimit, limit))
		return
	}
	p, err := h.cfg.Reader.ListEvents(r.Context(), id, from, int(limit))
	if err != nil {
		h.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
