package httpguard

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Listener caps the connections a server holds at once. Build it with
// Limit and pass its ConnState to the http.Server, so that it knows which
// connections sit between requests.
//
// A connection over the cap makes room by closing the connection that has
// been idle longest: one between requests, or one that has sent nothing
// yet. When every connection is inside a request, the new one is answered
// 503 TooManyConnections and closed. Either way the cap is logged at warn,
// at most once a second for each of the two.
type Listener struct {
	net.Listener
	max   int
	log   *slog.Logger
	quiet *throttle

	mu    sync.Mutex
	conns map[*conn]struct{}
}

// Limit returns ln capped at limit connections (at least 1). A nil log
// discards the messages.
func Limit(ln net.Listener, limit int, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Listener{Listener: ln, max: max(limit, 1), log: log, quiet: newThrottle(time.Second), conns: map[*conn]struct{}{}}
}

// conn is an accepted connection and what the server last said of it.
type conn struct {
	net.Conn
	l     *Listener
	state http.ConnState // guarded by l.mu
	since time.Time      // when it entered state, guarded by l.mu
}

// Close frees the connection's place under the cap.
func (c *conn) Close() error {
	c.l.release(c)
	return c.Conn.Close()
}

// Accept waits for a connection that fits under the cap.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		nc, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c := &conn{Conn: nc, l: l, state: http.StateNew, since: time.Now()}
		victim, ok := l.admit(c)
		if victim != nil {
			_ = victim.Conn.Close()
		}
		if ok {
			return c, nil
		}
		go refuseConn(nc, l.max)
	}
}

// ConnState records a connection's state; it is an http.Server ConnState.
func (l *Listener) ConnState(nc net.Conn, s http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c.state, c.since = s, time.Now()
}

// admit takes c if it fits, after dropping the idlest connection, which it
// returns for the caller to close, if that is needed to make room.
func (l *Listener) admit(c *conn) (victim *conn, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) >= l.max {
		if victim = l.idlest(); victim == nil {
			l.note("refused", "connection cap reached: refused a new connection, since every connection is inside a request",
				"refused", c.RemoteAddr().String())
			return nil, false
		}
		delete(l.conns, victim)
		l.note("closedIdle", "connection cap reached: closed the connection idle longest to let a new one in",
			"closed", victim.RemoteAddr().String(), "idleFor", time.Since(victim.since).String())
	}
	l.conns[c] = struct{}{}
	return victim, true
}

// idlest is the connection that has been out of a request longest; l.mu
// is held.
func (l *Listener) idlest() *conn {
	var best *conn
	for c := range l.conns {
		if (c.state == http.StateIdle || c.state == http.StateNew) && (best == nil || c.since.Before(best.since)) {
			best = c
		}
	}
	return best
}

func (l *Listener) release(c *conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, c)
}

// note logs that the cap was hit, rate-limited; l.mu is held.
func (l *Listener) note(key, msg string, attrs ...any) {
	if ok, held := l.quiet.pass(key); ok {
		l.log.Warn(msg, append([]any{"maxConns", l.max, "open", len(l.conns), "alsoSinceLastLine", held}, attrs...)...)
	}
}

// refuseConn answers a connection over the cap with a 503 and closes it.
func refuseConn(nc net.Conn, limit int) {
	defer nc.Close()
	body := fmt.Sprintf(`{"error":%q,"message":"the server holds its limit of %d connections, every one inside a request; try again shortly"}`, TooManyConnections, limit)
	_ = nc.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = fmt.Fprintf(nc, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}
