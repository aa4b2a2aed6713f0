package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/stepfold/stepfold/events"
)

// IdempotencyHeader is the request header whose value is the command id.
const IdempotencyHeader = "Idempotency-Key"

// command is the handler of one command route.
func (h *Handler) command(route events.Route) http.HandlerFunc {
	allowed := BodyFields(h.cfg.Info, route)
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r, allowed, route.EmptyBody)
		if err != nil {
			h.writeError(w, err)
			return
		}
		c := h.build(r, route, body)
		if err := h.cfg.Check(c.json); err != nil {
			h.writeError(w, err)
			return
		}
		h.run(w, r, route, c)
	}
}

// BodyFields are the members a command route takes from its body: the
// domain's fields, the stream id on a route without a path, and the type on
// the generic route. The route sets every other member of the command.
func BodyFields(info events.Info, route events.Route) []string {
	fields := slices.Clone(info.Routes.Fields)
	if route.Path == "" {
		fields = append(fields, info.Routes.CommandStreamKey)
	}
	if route.Command == "" {
		fields = append(fields, "type")
	}
	return fields
}

// built is a command the route assembled.
type built struct {
	typ, stream, id string
	json            []byte
}

// build assembles the command's JSON: its type, stream and command id, the
// request id as its correlation id, then the body's members in their order.
func (h *Handler) build(r *http.Request, route events.Route, body []member) built {
	c := built{typ: route.Command, stream: r.PathValue("id"), id: r.Header.Get(IdempotencyHeader)}
	if c.id == "" {
		c.id = NewID()
	}
	key := h.cfg.Info.Routes.CommandStreamKey
	b := []byte{'{'}
	if c.typ != "" {
		b = appendMember(b, "type", quote(c.typ))
	}
	if route.Path != "" {
		b = appendMember(b, key, quote(c.stream))
	}
	b = appendMember(b, "commandId", quote(c.id))
	b = appendMember(b, "correlationId", quote(RequestID(r.Context())))
	for _, m := range body {
		b = appendMember(b, m.name, m.value)
		switch m.name {
		case "type":
			c.typ = unquote(m.value)
		case key:
			c.stream = unquote(m.value)
		}
	}
	c.json = append(b, '}')
	return c
}

// run executes the command to the end, even if the client goes away: a
// command that was persisted must also be published and folded.
func (h *Handler) run(w http.ResponseWriter, r *http.Request, route events.Route, c built) {
	start := time.Now()
	out, err := h.cfg.Runner.Run(context.WithoutCancel(r.Context()), c.id, c.json)
	done := runLog{h: h, r: r, c: c, out: out, took: time.Since(start)}
	switch {
	case err != nil:
		done.log(slog.LevelError, "execution could not run", slog.Any("err", err))
		h.writeError(w, err)
	case !out.Succeeded:
		done.log(slog.LevelInfo, "command failed", slog.String("error", out.Error))
		h.writeFailure(w, out)
	default:
		done.log(slog.LevelInfo, "command succeeded")
		status := route.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("X-Execution-Arn", out.ExecutionARN)
		writeRaw(w, status, out.Output)
	}
}

// writeFailure answers for a failed execution: its error name is the code.
func (h *Handler) writeFailure(w http.ResponseWriter, out Outcome) {
	code := out.Error
	if code == "" {
		code = string(events.CodeInternal)
	}
	w.Header().Set("X-Execution-Arn", out.ExecutionARN)
	writeJSON(w, h.cfg.Info.Status(events.Code(code)), ErrorBody{Error: code, Message: out.Message()})
}

// runLog is what the log line of one command's execution carries.
type runLog struct {
	h    *Handler
	r    *http.Request
	c    built
	out  Outcome
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
		slog.String("requestId", RequestID(ctx)), slog.String("commandId", l.c.id),
		slog.String("command", l.c.typ), slog.String("stream", l.c.stream),
		slog.String("executionArn", l.out.ExecutionARN), slog.Duration("duration", l.took),
	}, extra...)
	l.h.cfg.Logger.LogAttrs(ctx, level, msg, attrs...)
}
