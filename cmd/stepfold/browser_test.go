package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// attackPage is a page on another website that tries, from the
// developer's browser, what a browser sends without asking the server
// first: a text/plain withdrawal, a redrive of the dead letters by fetch
// and by form, and a JSON withdrawal, which needs a CORS preflight. It
// also tries to read an account. It records what it saw in
// document.body.dataset.seen.
const attackPage = `<!doctype html><html><body>
<form id="form" method="POST" enctype="text/plain" target="sink" action="%[1]s/admin/dlq/redrive"><input name="x" value="y"></form>
<iframe name="sink" id="sink"></iframe>
<script>
const target = %[1]q;
async function attempt(name, f) {
  try { seen[name] = await f(); } catch (e) { seen[name] = "blocked: " + e.name; }
}
const seen = {};
(async () => {
  await attempt("plain", async () => (await fetch(target + "/accounts/acc-1/withdrawals", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: '{"amount":5}'})).type);
  await attempt("redrive", async () => (await fetch(target + "/admin/dlq/redrive", {method: "POST", mode: "no-cors"})).type);
  await attempt("json", async () => (await fetch(target + "/accounts/acc-1/withdrawals", {method: "POST", headers: {"Content-Type": "application/json"}, body: '{"amount":5}'})).status);
  await attempt("read", async () => (await fetch(target + "/accounts/acc-1")).status);
  document.getElementById("sink").onload = () => { document.body.dataset.seen = JSON.stringify(seen); };
  document.getElementById("form").submit();
})();
</script></body></html>`

// TestAttackPageInChromium opens a page of another website, evil.example,
// in headless Chromium and lets it act on the local server; then it opens
// the server itself under that name, as DNS rebinding would. Chromium
// maps evil.example to 127.0.0.1. Nothing the page does changes the
// server's data, it reads nothing, the server refuses the requests that
// reach it, and the rebound name gets a 403. It runs when STEPFOLD_CHROMIUM
// names the browser, as the console test does.
func TestAttackPageInChromium(t *testing.T) {
	chromium := os.Getenv("STEPFOLD_CHROMIUM")
	if chromium == "" {
		t.Skip("STEPFOLD_CHROMIUM is not set: skipping the browser test (scripts/console-test.sh and scripts/test.sh set it)")
	}
	dir := t.TempDir()
	deadLetterDeposit(t, dir)
	s := startMain(t, dir)
	defer s.stop(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, attackPage, s.url)
	}))
	defer evil.Close()
	_, evilPort, _ := net.SplitHostPort(strings.TrimPrefix(evil.URL, "http://"))
	_, port, _ := net.SplitHostPort(s.hostPort())
	before := snapshot(t, s.url)

	d := startChromedriver(t, chromium, "--host-resolver-rules=MAP evil.example 127.0.0.1")
	d.sess("POST", "/url", map[string]string{"url": "http://evil.example:" + evilPort + "/"})
	var seen string
	for deadline := time.Now().Add(patience); seen == ""; time.Sleep(50 * time.Millisecond) {
		d.script(&seen, `return document.body.dataset.seen || ""`)
		if time.Now().After(deadline) {
			t.Fatal("the attack page did not finish")
		}
	}
	t.Logf("the attack page saw %s", seen)
	if strings.Contains(seen, `"read":200`) {
		t.Errorf("the page read an account: %s", seen)
	}
	if after := snapshot(t, s.url); after != before {
		t.Errorf("the page changed the server's data:\nbefore %s\nafter  %s", before, after)
	}
	if !strings.Contains(s.stderr.String(), `"msg":"refused a request","error":"OriginNotAllowed"`) {
		t.Errorf("the server refused nothing, so the page's requests did not reach it:\n%s", s.stderr)
	}

	d.sess("POST", "/url", map[string]string{"url": "http://evil.example:" + port + "/console/"})
	var text string
	d.script(&text, `return document.body.innerText`)
	if !strings.Contains(text, `"error":"HostNotAllowed"`) {
		t.Errorf("the server under a rebound name showed %q", text)
	}
	if after := snapshot(t, s.url); after != before {
		t.Errorf("the server's data changed:\nbefore %s\nafter  %s", before, after)
	}
}
