package httpguard

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// limitBody gives the client BodyTimeout to send the request body. The
// deadline is lifted once the body has been read to its end: net/http
// keeps reading the connection while the handler runs, to notice a client
// that goes away, and a deadline passing then would cancel the request.
func (g *Guard) limitBody(w http.ResponseWriter, r *http.Request) {
	if g.bodyTimeout <= 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(g.bodyTimeout)) != nil {
		return
	}
	r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
}

// deadlineBody lifts the connection's read deadline at the body's end.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
