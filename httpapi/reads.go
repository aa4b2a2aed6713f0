package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := h.streamID(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	var state json.RawMessage
	if q := r.URL.Query().Get("asOf"); q != "" {
		var at tasks.AsOf
		if at, err = tasks.ParseAsOf(q); err == nil {
			state, err = h.cfg.Reader.StateAt(r.Context(), id, at)
		}
	} else {
		state, err = h.cfg.Reader.State(r.Context(), id)
	}
	if err != nil {
		h.writeError(w, err)
		return
	}
	writeRaw(w, http.StatusOK, state)
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	id, err := h.streamID(r)
	if err != nil {
		h.writeError(w, err)
		return
	}
	from, err := intParam(r, "from", 1)
	if err != nil {
		h.writeError(w, err)
		return
	}
	limit, err := intParam(r, "limit", tasks.DefaultPageLimit)
	if err != nil {
		h.writeError(w, err)
		return
	}
	if limit < 1 || limit > events.MaxReadLimit {
		h.writeError(w, events.Errorf(events.CodeInvalidCommand, "limit must be between 1 and %d, got %d", events.MaxReadLimit, limit))
		return
	}
	p, err := h.cfg.Reader.Events(r.Context(), id, from, int(limit))
	if err != nil {
		h.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// intParam reads an optional integer query parameter.
func intParam(r *http.Request, name string, def int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, events.Errorf(events.CodeInvalidCommand, "%s must be a whole number, got %q", name, s)
	}
	return n, nil
}

// streamID reads and checks the {id} path value.
func (h *Handler) streamID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	noun := h.cfg.Info.Noun
	if noun == "" {
		noun = "stream"
	}
	return id, events.CheckID(events.CodeInvalidCommand, noun+" id", id)
}
