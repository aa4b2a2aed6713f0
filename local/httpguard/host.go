package httpguard

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
)

// loopbackNames are the names of the local machine every client may use.
var loopbackNames = []string{"localhost", "127.0.0.1", "::1"}

// hostSet is the Host values the server answers to.
type hostSet struct {
	port  string
	names []string // allowed with port (or none, for configured names)
	exact []string // "name:port" entries, allowed as given
	// anyIP allows every IP literal with port: the server listens on
	// every interface, and an IP literal cannot be rebound.
	anyIP      bool
	configured map[string]bool
}

func newHostSet(addr net.Addr, extra []string) (hostSet, error) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp == nil {
		return hostSet{}, fmt.Errorf("httpguard: the listen address %v is not a TCP address", addr)
	}
	s := hostSet{port: strconv.Itoa(tcp.Port), names: slices.Clone(loopbackNames), configured: map[string]bool{}}
	if tcp.IP.IsUnspecified() {
		s.anyIP = true
	} else {
		s.names = append(s.names, tcp.IP.String())
	}
	for _, h := range extra {
		if err := s.add(h); err != nil {
			return hostSet{}, err
		}
	}
	return s, nil
}

// add allows a configured host: "name" or "name:port".
func (s *hostSet) add(h string) error {
	h = strings.ToLower(strings.TrimSpace(h))
	if h == "" || strings.ContainsAny(h, "/@?#* ") {
		return fmt.Errorf("httpguard: allowed host %q is not a name or name:port", h)
	}
	if name, port, err := net.SplitHostPort(h); err == nil {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil || name == "" {
			return fmt.Errorf("httpguard: allowed host %q has a bad port", h)
		}
		s.exact = append(s.exact, canonical(name)+":"+port)
		return nil
	}
	s.configured[canonical(h)] = true
	return nil
}

// canonical lower-cases a host name and drops the brackets of an IPv6
// literal and a final dot.
func canonical(name string) string {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	return strings.TrimSuffix(strings.ToLower(name), ".")
}

// check reports whether the Host header value is one of the server's, and
// if not, why.
func (s hostSet) check(host string) (string, bool) {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = host, ""
	}
	name = canonical(name)
	if s.allowed(name, port) {
		return "", true
	}
	msg := fmt.Sprintf("Host %q is not a name of this server, so the request is refused (a page whose name was made to resolve to this machine must not reach it); use %s", host, strings.Join(s.examples(), " or "))
	if strings.HasPrefix(name, "sync-") {
		msg += `; the AWS SDKs and CLI send StartSyncExecution to "sync-" + host: turn host prefix injection off, or allow this name too`
	}
	return msg, false
}

func (s hostSet) allowed(name, port string) bool {
	switch {
	case name == "":
		return false
	case s.configured[name] && (port == "" || port == s.port):
		return true
	case slices.Contains(s.exact, name+":"+port):
		return true
	}
	if port == "" {
		port = "80"
	}
	if port != s.port {
		return false
	}
	return slices.Contains(s.names, name) || s.anyIP && net.ParseIP(name) != nil
}

// examples lists Host values that work, for the refusal message.
func (s hostSet) examples() []string {
	out := []string{net.JoinHostPort("localhost", s.port), net.JoinHostPort("127.0.0.1", s.port)}
	out = append(out, slices.Sorted(maps.Keys(s.configured))...)
	return append(out, s.exact...)
}

// origins are the server's own origins under its loopback names and its
// address, which a page served by it may send writes from.
func (s hostSet) origins() []string {
	out := make([]string, 0, len(s.names))
	for _, n := range s.names {
		out = append(out, "http://"+net.JoinHostPort(n, s.port))
	}
	return out
}
