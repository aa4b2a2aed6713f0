package httpguard

import "net/http"

// exposed are the response headers a trusted origin's script may read.
const exposed = "X-Request-Id, X-Execution-Arn, X-Amzn-Requestid, X-Amzn-Errortype"

// preflight answers a CORS preflight from a configured origin and reports
// whether it did. A preflight from any other origin goes on to the routes
// and gets no CORS headers, so the browser does not send the request.
func (g *Guard) preflight(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" || !g.cors[origin] {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
	if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
		h.Set("Access-Control-Allow-Headers", asked)
	}
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// allowOrigin lets a configured origin's script read the answer.
func (g *Guard) allowOrigin(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if !g.cors[origin] {
		return
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", exposed)
}
