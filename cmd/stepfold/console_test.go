package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepfold/stepfold/statemachines"
)

// The console test drives the page in headless Chromium through
// chromedriver's W3C WebDriver API. It runs when STEPFOLD_CHROMIUM names
// the browser (scripts/console-test.sh installs Debian's chromium and
// chromium-driver and sets it); STEPFOLD_CHROMEDRIVER names the driver
// (default /usr/bin/chromedriver); STEPFOLD_SCREENSHOT, if set, is where
// the screenshot is saved.

// webElement is the W3C key of an element reference.
const webElement = "element-6066-11e4-a52e-4f735466cecf"

type webdriver struct {
	t       *testing.T
	base    string
	session string
}

func (d *webdriver) do(method, path string, body any) json.RawMessage {
	d.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, d.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out struct {
		Value json.RawMessage `json:"value"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != 200 {
		d.t.Fatalf("webdriver %s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return out.Value
}

func (d *webdriver) sess(method, path string, body any) json.RawMessage {
	return d.do(method, "/session/"+d.session+path, body)
}

// script runs JavaScript in the page and decodes its result into out.
func (d *webdriver) script(out any, js string) {
	d.t.Helper()
	v := d.sess("POST", "/execute/sync", map[string]any{"script": js, "args": []any{}})
	if err := json.Unmarshal(v, out); err != nil {
		d.t.Fatalf("script result %s: %v", v, err)
	}
}

// waitReady waits for the page to finish loading its data.
func (d *webdriver) waitReady() {
	d.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ready, errText string
		d.script(&ready, `return document.body.dataset.ready || ""`)
		if ready == "true" {
			return
		}
		d.script(&errText, `const e = document.getElementById("error"); return e.hidden ? "" : e.textContent`)
		if errText != "" {
			d.t.Fatalf("the console shows an error: %s", errText)
		}
		if time.Now().After(deadline) {
			d.t.Fatal("the console did not finish loading within 15s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (d *webdriver) click(css string) {
	d.t.Helper()
	var el map[string]string
	if err := json.Unmarshal(d.sess("POST", "/element", map[string]string{"using": "css selector", "value": css}), &el); err != nil {
		d.t.Fatal(err)
	}
	d.script(new(any), `document.body.dataset.ready = "false"`)
	d.sess("POST", "/element/"+el[webElement]+"/click", map[string]any{})
}

// startChromedriver starts the driver on a free port and a session in
// headless Chromium with a fresh profile and any more arguments.
func startChromedriver(t *testing.T, chromium string, more ...string) *webdriver {
	t.Helper()
	driver := os.Getenv("STEPFOLD_CHROMEDRIVER")
	if driver == "" {
		driver = "/usr/bin/chromedriver"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", driver, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	d := &webdriver{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	for i := 0; ; i++ {
		resp, err := http.Get(d.base + "/status")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 200 {
			t.Fatalf("chromedriver did not answer: %v", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	args := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--window-size=1400,1000"}
	args = append(args, more...)
	var s struct {
		SessionID string `json:"sessionId"`
	}
	v := d.do("POST", "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome", "goog:chromeOptions": map[string]any{"binary": chromium, "args": args}}}})
	if err := json.Unmarshal(v, &s); err != nil || s.SessionID == "" {
		t.Fatalf("no session: %s", v)
	}
	d.session = s.SessionID
	t.Cleanup(func() { d.do("DELETE", "/session/"+d.session, nil) })
	return d
}

func TestConsoleInChromium(t *testing.T) {
	chromium := os.Getenv("STEPFOLD_CHROMIUM")
	if chromium == "" {
		t.Skip("STEPFOLD_CHROMIUM is not set: skipping the browser test of the console (scripts/console-test.sh runs it with Debian's chromium and chromium-driver)")
	}
	s := startMain(t, t.TempDir())
	defer s.stop(t)
	mustCall(t, 201, "POST", s.url+"/accounts", `{"accountId":"acc-1","currency":"EUR"}`, "Idempotency-Key", "open-acc-1")
	mustCall(t, 200, "POST", s.url+"/accounts/acc-1/deposits", `{"amount":1500}`, "Idempotency-Key", "deposit-1")
	mustCall(t, 422, "POST", s.url+"/accounts/acc-1/withdrawals", `{"amount":9000}`, "Idempotency-Key", "too-much")

	d := startChromedriver(t, chromium)
	d.sess("POST", "/url", map[string]string{"url": s.url + "/console/"})
	d.waitReady()
	var rows [][]string
	d.script(&rows, `return Array.from(document.querySelectorAll("tr.execution")).map(r => [r.cells[0].textContent, r.dataset.status, r.cells[3].textContent])`)
	want := [][]string{{"too-much", "FAILED"}, {"deposit-1", "SUCCEEDED"}, {"open-acc-1", "SUCCEEDED"}}
	if len(rows) != len(want) {
		t.Fatalf("execution rows %v, want %v", rows, want)
	}
	for i, w := range want {
		if rows[i][0] != w[0] || rows[i][1] != w[1] || !strings.HasSuffix(rows[i][2], "ms") {
			t.Errorf("row %d: %v, want name %s status %s and a duration", i, rows[i], w[0], w[1])
		}
	}

	d.click(`tr[data-status="FAILED"] a`)
	d.waitReady()
	failed := graphStates(t, d)
	checkStates(t, failed, map[string]string{"Init": "succeeded", "ValidateAndPersist": "failed", "Validate": "failed", "Persist": "notrun", "Fold": "notrun", "Done": "notrun", "SendToDeadLetterQueue": "notrun"})
	var errText, input string
	d.script(&errText, `return document.querySelector('#state-info dd[data-field="Error"]').textContent`)
	d.script(&input, `return document.getElementById("state-input").textContent`)
	if !strings.Contains(errText, "InsufficientFunds") || !strings.Contains(input, `"commandId": "too-much"`) {
		t.Errorf("Validate details: error %q, input %q", errText, input)
	}

	d.sess("POST", "/back", map[string]any{})
	d.waitReady()
	d.click(`tr[data-execution-arn*=":deposit-1:"] a`)
	d.waitReady()
	ok := graphStates(t, d)
	checkStates(t, ok, map[string]string{"Init": "succeeded", "ValidateAndPersist": "succeeded", "Validate": "succeeded", "Persist": "succeeded", "WasPersisted": "succeeded",
		"Publish": "succeeded", "Fold": "succeeded", "Done": "succeeded", "Conflict": "notrun", "NextRound": "notrun", "BackOff": "notrun", "Failed": "notrun"})
	var retries, output string
	d.script(&retries, `return document.querySelector('#state-info dd[data-field="Retries"]').textContent`)
	d.script(&output, `return document.getElementById("state-output").textContent`)
	if retries != "0" || !strings.Contains(output, `"balance": 1500`) {
		t.Errorf("Done details: retries %q output %q", retries, output)
	}
	d.click(`g.state[data-state="Persist"]`)
	var selected, duration string
	d.script(&selected, `return document.getElementById("state-name").textContent`)
	d.script(&duration, `return document.querySelector('#state-info dd[data-field="Duration"]').textContent`)
	if selected != "Persist" || !strings.HasSuffix(duration, "ms") {
		t.Errorf("after clicking Persist: selected %q duration %q", selected, duration)
	}
	checkScreenshot(t, d)
	checkConflictShown(t, d, s.url)
}

// checkConflictShown sends withdrawals to acc-1 at once until one of them
// met a conflict twice and backed off, opens that execution, and checks
// that the graph shows the branch's Fail state as caught and the Parallel
// state as retried and succeeded.
func checkConflictShown(t *testing.T, d *webdriver, base string) {
	t.Helper()
	arn := ""
	for try := 0; arn == "" && try < 5; try++ {
		arns := make([]string, 24)
		var wg sync.WaitGroup
		for i := range arns {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, base+"/accounts/acc-1/withdrawals", strings.NewReader(`{"amount":1}`))
				req.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(req); err == nil {
					arns[i] = resp.Header.Get("X-Execution-Arn")
					resp.Body.Close()
				}
			})
		}
		wg.Wait()
		for _, a := range arns {
			if a != "" && enteredState(t, base, a, "BackOff") {
				arn = a
				break
			}
		}
	}
	if arn == "" {
		t.Fatal("no withdrawal of 5 bursts of 24 backed off")
	}
	d.sess("POST", "/url", map[string]string{"url": base + "/console/#/execution/" + url.PathEscape(arn)})
	d.waitReady()
	checkStates(t, graphStates(t, d), map[string]string{"ValidateAndPersist": "succeeded", "BackOff": "caught", "NextRound": "succeeded", "Done": "succeeded", "ConflictsExhausted": "notrun"})
	d.click(`g.state[data-state="ValidateAndPersist"]`)
	var retries string
	d.script(&retries, `return document.querySelector('#state-info dd[data-field="Retries"]').textContent`)
	if n, err := strconv.Atoi(retries); err != nil || n < 1 {
		t.Errorf("ValidateAndPersist shows %q retries, want at least 1", retries)
	}
}

// enteredState reports whether the execution's history enters the state,
// asked through the Step Functions API.
func enteredState(t *testing.T, base, arn, state string) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(fmt.Sprintf(`{"executionArn":%q,"maxResults":1000}`, arn)))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.GetExecutionHistory")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Events []struct {
			StateEnteredEventDetails *struct{ Name string } `json:"stateEnteredEventDetails"`
		} `json:"events"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GetExecutionHistory %s: %d %v", arn, resp.StatusCode, err)
	}
	for _, e := range h.Events {
		if e.StateEnteredEventDetails != nil && e.StateEnteredEventDetails.Name == state {
			return true
		}
	}
	return false
}

// graphStates reads the drawn states and their statuses.
func graphStates(t *testing.T, d *webdriver) map[string]string {
	t.Helper()
	var pairs [][]string
	d.script(&pairs, `return Array.from(document.querySelectorAll("#graph g.state")).map(g => [g.dataset.state, g.dataset.status])`)
	m := map[string]string{}
	for _, p := range pairs {
		m[p[0]] = p[1]
	}
	return m
}

func checkStates(t *testing.T, got, want map[string]string) {
	t.Helper()
	text, err := statemachines.Files.ReadFile(statemachines.Pipeline)
	if err != nil {
		t.Fatal(err)
	}
	var def graph
	if err := json.Unmarshal(text, &def); err != nil {
		t.Fatal(err)
	}
	names := def.names()
	for _, name := range names {
		if _, ok := got[name]; !ok {
			t.Errorf("the graph lacks state %s", name)
		}
	}
	if len(got) != len(names) {
		t.Errorf("the graph draws %d states, the definition has %d: %v", len(got), len(names), got)
	}
	for name, status := range want {
		if got[name] != status {
			t.Errorf("state %s is %q, want %q", name, got[name], status)
		}
	}
}

// graph is a state machine or a branch of a Parallel state.
type graph struct {
	States map[string]struct{ Branches []graph }
}

// names lists its states and those of its branches.
func (g graph) names() []string {
	var out []string
	for name, st := range g.States {
		out = append(out, name)
		for _, b := range st.Branches {
			out = append(out, b.names()...)
		}
	}
	return out
}

// checkScreenshot takes a screenshot and checks it shows a page with the
// graph's colours, not a blank or broken one.
func checkScreenshot(t *testing.T, d *webdriver) {
	t.Helper()
	var b64 string
	if err := json.Unmarshal(d.sess("GET", "/screenshot", nil), &b64); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("STEPFOLD_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Error(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bounds := img.Bounds()
	if bounds.Dx() < 1000 || bounds.Dy() < 700 {
		t.Errorf("screenshot is %v, want about 1400x1000", bounds.Size())
	}
	colours := countColours(img)
	if len(colours) < 50 {
		t.Errorf("screenshot has %d distinct colours: blank?", len(colours))
	}
	for name, c := range map[string]color.RGBA{"succeeded green": {0xcf, 0xe8, 0xc5, 0xff}, "not-run grey": {0xea, 0xed, 0xed, 0xff}, "header navy": {0x23, 0x2f, 0x3e, 0xff}} {
		if colours[c] < 500 {
			t.Errorf("screenshot has %d pixels of %s", colours[c], name)
		}
	}
}

func countColours(img image.Image) map[color.RGBA]int {
	out := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			out[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	return out
}
