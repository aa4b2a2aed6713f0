package httpguard

import (
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
)

// Error names of the refusals, the "error" field of their bodies.
const (
	HostNotAllowed       = "HostNotAllowed"
	OriginNotAllowed     = "OriginNotAllowed"
	UnsupportedMediaType = "UnsupportedMediaType"
	TooManyConnections   = "TooManyConnections"
)

// JSON is the media type a state-changing request carries unless
// Config.MediaType names another for its route.
const JSON = "application/json"

// Config says what a Guard trusts.
type Config struct {
	// Addr is the address the server listens on, as its net.Listener
	// reports it. Required.
	Addr net.Addr
	// Hosts are more names a client may send in Host: "name" is allowed
	// with the server's port or with none, "name:port" exactly as given.
	Hosts []string
	// Origins are browser origins ("http://localhost:3000") trusted to
	// send state-changing requests and to read the answers: the Guard
	// answers their CORS preflights. No other origin gets CORS headers.
	Origins []string
	// MediaType returns the media type a state-changing request must
	// carry; nil means JSON for every route.
	MediaType func(*http.Request) string
	// Log receives the refusals, at warn, at most one a second per error
	// name. Nil discards them.
	Log *slog.Logger
}

// Guard checks every request before its handler runs. Build it with New.
type Guard struct {
	next      http.Handler
	hosts     hostSet
	csrf      *http.CrossOriginProtection
	cors      map[string]bool
	mediaType func(*http.Request) string
	log       *slog.Logger
	quiet     *throttle
}

// New returns a Guard in front of next. It fails when Addr is not a TCP
// address or a host or origin is malformed.
func New(next http.Handler, cfg Config) (*Guard, error) {
	hosts, err := newHostSet(cfg.Addr, cfg.Hosts)
	if err != nil {
		return nil, err
	}
	g := &Guard{next: next, hosts: hosts, csrf: http.NewCrossOriginProtection(), cors: map[string]bool{},
		mediaType: cfg.MediaType, log: cfg.Log, quiet: newThrottle(time.Second)}
	if g.mediaType == nil {
		g.mediaType = func(*http.Request) string { return JSON }
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	for _, o := range hosts.origins() {
		if err := g.csrf.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	for _, o := range cfg.Origins {
		if err := checkOrigin(o); err != nil {
			return nil, err
		}
		g.cors[o] = true
		if err := g.csrf.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// checkOrigin accepts scheme://host[:port] with an http or https scheme.
func checkOrigin(o string) error {
	scheme, host, ok := strings.Cut(o, "://")
	if !ok || (scheme != "http" && scheme != "https") || host == "" || strings.ContainsAny(host, "/?#*@") {
		return fmt.Errorf("httpguard: origin %q is not http(s)://host[:port]", o)
	}
	return nil
}

// ServeHTTP refuses the request or passes it on.
func (g *Guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if msg, ok := g.hosts.check(r.Host); !ok {
		g.refuse(w, r, http.StatusForbidden, HostNotAllowed, msg)
		return
	}
	if g.preflight(w, r) {
		return
	}
	if changesState(r.Method) {
		if g.csrf.Check(r) != nil {
			g.refuse(w, r, http.StatusForbidden, OriginNotAllowed, originMessage(r))
			return
		}
		if want := g.mediaType(r); !hasMediaType(r, want) {
			g.refuse(w, r, http.StatusUnsupportedMediaType, UnsupportedMediaType, fmt.Sprintf(
				"a %s must carry Content-Type: %s, not %q, so that a browser has to ask before it sends one",
				r.Method, want, r.Header.Get("Content-Type")))
			return
		}
	}
	g.allowOrigin(w, r)
	g.next.ServeHTTP(w, r)
}

// changesState reports whether a method may change state: every method
// but the safe ones.
func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// hasMediaType reports whether r has exactly one Content-Type, of media
// type want (parameters such as charset are allowed).
func hasMediaType(r *http.Request, want string) bool {
	vs := r.Header.Values("Content-Type")
	if len(vs) != 1 {
		return false
	}
	mt, _, err := mime.ParseMediaType(vs[0])
	return err == nil && mt == want
}

func originMessage(r *http.Request) string {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = "(none)"
	}
	site := r.Header.Get("Sec-Fetch-Site")
	if site == "" {
		site = "(none)"
	}
	return fmt.Sprintf("a %s from Origin %s (Sec-Fetch-Site %s) may not change state here: only this server's own pages and allowed origins may send one", r.Method, origin, site)
}

// refuse answers with a JSON error and logs why.
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	if ok, held := g.quiet.pass(name); ok {
		g.log.Warn("refused a request", "error", name, "reason", msg, "status", status,
			"method", r.Method, "path", r.URL.Path, "host", r.Host, "origin", r.Header.Get("Origin"),
			"remote", r.RemoteAddr, "alsoRefusedSinceLastLine", held)
	}
	writeError(w, r, status, name, msg)
}
