package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// conformanceCase is one recorded AWS execution; see the README beside the
// cases.
type conformanceCase struct {
	Name string `json:"name"`
	Run  struct {
		API              string          `json:"api"`
		StateMachineType string          `json:"stateMachineType"`
		InspectionLevel  string          `json:"inspectionLevel"`
		StateName        string          `json:"stateName"`
		Variables        json.RawMessage `json:"variables"`
	} `json:"run"`
	Definition json.RawMessage            `json:"definition"`
	Input      json.RawMessage            `json:"input"`
	Functions  map[string]json.RawMessage `json:"functions"`
	Queues     map[string]json.RawMessage `json:"queues"`
	Expect     struct {
		Status         string          `json:"status"`
		Output         json.RawMessage `json:"output"`
		Error          *string         `json:"error"`
		Cause          json.RawMessage `json:"cause"`
		History        []string        `json:"history"`
		HistoryStrict  bool            `json:"history_strict"`
		NextState      string          `json:"nextState"`
		InspectionData json.RawMessage `json:"inspectionData"`
		// AssignedVariables is nil when the case records none; see
		// compareAssigned.
		AssignedVariables []assignedEntry `json:"assignedVariables"`
	} `json:"expect"`
	Ignore []string `json:"ignore"`
}

// assignedEntry is one history event's assigned variables.
type assignedEntry struct {
	State     string                     `json:"state"`
	Variables map[string]json.RawMessage `json:"variables"`
}

// conformanceFolders are the folders of recorded cases: the JSONPath cases,
// and those that need JSONata and workflow variables.
var conformanceFolders = []string{"cases", "cases-jsonata"}

// conformanceDir locates the folders of cases; ok is false when they are
// absent and no directory was asked for.
func conformanceDir(t *testing.T) (string, bool) {
	t.Helper()
	if dir := os.Getenv("ASL_CONFORMANCE_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, conformanceFolders[0])); err != nil {
			t.Fatalf("ASL_CONFORMANCE_DIR=%s (the folder holding %v): %v", dir, conformanceFolders, err)
		}
		return dir, true
	}
	dir := filepath.Join("..", "..", "..", "shared", "conformance", "asl")
	_, err := os.Stat(filepath.Join(dir, conformanceFolders[0]))
	return dir, err == nil
}

// TestConformance runs every recorded case and compares the result with
// what AWS produced, folder by folder; each folder ends with its count.
func TestConformance(t *testing.T) {
	dir, ok := conformanceDir(t)
	if !ok {
		t.Skipf("conformance cases not found at %s; set ASL_CONFORMANCE_DIR", dir)
	}
	divergences := knownDivergences(t)
	for _, folder := range conformanceFolders {
		t.Run(folder, func(t *testing.T) { runFolder(t, filepath.Join(dir, folder), divergences) })
	}
}

// runFolder runs the cases of one folder and prints their count as
// "<folder>: N passed, N failed, N skipped".
func runFolder(t *testing.T, dir string, divergences map[string]string) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases under %s (%v)", dir, err)
	}
	sort.Strings(files)
	var passed, failed, skipped int
	for _, f := range files {
		c := loadCase(t, f)
		name := strings.TrimSuffix(filepath.Base(filepath.Dir(f))+"."+filepath.Base(f), ".json")
		var reason string
		var skip bool
		t.Run(name, func(t *testing.T) {
			if why, ok := divergences[c.Name]; ok {
				reason, skip = "known divergence from AWS: "+why, true
				t.Skip(reason)
			}
			reason, skip = runCase(t, c)
			switch {
			case skip:
				t.Skip(reason)
			case reason != "":
				t.Error(reason)
			}
		})
		switch {
		case skip:
			skipped++
			fmt.Printf("SKIP %s: %s\n", c.Name, reason)
		case reason != "":
			failed++
			fmt.Printf("FAIL %s: %s\n", c.Name, reason)
		default:
			passed++
			fmt.Printf("PASS %s\n", c.Name)
		}
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped\n", filepath.Base(dir), passed, failed, skipped)
}

// knownDivergences lists, by case name, recordings whose AWS behaviour the
// interpreter deliberately does not reproduce, with the reason. They are
// reported as skipped, never as passed.
func knownDivergences(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "conformance_divergences.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// loadCase reads one case file.
func loadCase(t *testing.T, path string) *conformanceCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c conformanceCase
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &c
}

// runCase runs one case and returns why it failed ("" when it passed), or a
// reason to skip it.
func runCase(t *testing.T, c *conformanceCase) (reason string, skip bool) {
	t.Helper()
	if c.Run.API == "TestState" {
		return runTestStateCase(c), false
	}
	clock := newVirtualClock()
	def, err := Parse(c.Definition, nil)
	if err != nil {
		return "parse: " + err.Error(), false
	}
	typ := Standard
	if c.Run.StateMachineType == "EXPRESS" {
		typ = Express
	}
	m, err := New(def, caseOptions(c, clock, typ)...)
	if err != nil {
		return "new: " + err.Error(), false
	}
	defer m.Close()
	ctx := context.Background()
	ex, err := m.StartSync(ctx, "TestExecution", c.Input)
	if err != nil {
		return "start: " + err.Error(), false
	}
	if r := compareExecution(c, ex); r != "" {
		return r, false
	}
	if c.Expect.History == nil {
		return "", false
	}
	events, err := m.History(ctx, ex.ExecutionARN)
	if err != nil {
		return "history: " + err.Error(), false
	}
	got := make([]string, len(events))
	for i, e := range events {
		got[i] = string(e.Type)
	}
	if r := compareHistory(c.Expect.History, got, c.Expect.HistoryStrict); r != "" {
		return r, false
	}
	return compareAssigned(c, events), false
}

// compareAssigned checks the variables the history's StateExited events
// report, one entry per event that reports any, in order when the history
// is strict and as a multiset otherwise. Values compare as JSON, with the
// case's ignored pointers left out.
func compareAssigned(c *conformanceCase, events []types.HistoryEvent) string {
	if c.Expect.AssignedVariables == nil {
		return ""
	}
	var got []string
	for _, e := range events {
		if d := e.StateExitedEventDetails; d != nil && d.AssignedVariables != nil {
			vars := map[string]any{}
			for k, text := range d.AssignedVariables {
				v, err := decodeJSON([]byte(text))
				if err != nil {
					return fmt.Sprintf("variable %s of %s is not JSON: %q", k, *d.Name, text)
				}
				vars[k] = v
			}
			got = append(got, canonicalEntry(c, len(got), *d.Name, vars))
		}
	}
	want := make([]string, len(c.Expect.AssignedVariables))
	for i, a := range c.Expect.AssignedVariables {
		vars := map[string]any{}
		for k, raw := range a.Variables {
			vars[k], _ = decodeJSON(raw)
		}
		want[i] = canonicalEntry(c, i, a.State, vars)
	}
	if r := compareHistory(want, got, c.Expect.HistoryStrict); r != "" {
		return "assigned variables: " + r
	}
	return ""
}

// canonicalEntry renders an assignment for comparison: the state and its
// variables, numbers normalised and ignored members dropped.
func canonicalEntry(c *conformanceCase, i int, state string, vars map[string]any) string {
	var v any = vars
	for _, p := range c.Ignore {
		if rest, ok := strings.CutPrefix(p, fmt.Sprintf("/expect/assignedVariables/%d/variables/", i)); ok {
			v = dropPointer(v, rest)
		}
	}
	return state + "=" + jsonText(normalizeNumbers(v))
}

// normalizeNumbers rewrites every number in its shortest form, so that 0.0
// and 0 render alike.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		f, _, err := big.ParseFloat(string(t), 10, 200, big.ToNearestEven)
		if err != nil {
			return t
		}
		return json.Number(f.Text('g', -1))
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalizeNumbers(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = normalizeNumbers(e)
		}
		return out
	}
	return v
}

// caseOptions builds the fake AWS context of the README.
func caseOptions(c *conformanceCase, clock Clock, typ Type) []Option {
	reg := NewRegistry()
	fns := map[string]Invoker{}
	for arn, raw := range c.Functions {
		fns[arn] = newCaseFunction(raw, clock)
	}
	reg.Functions(fns)
	reg.SQS(&memorySQS{queues: c.Queues})
	reg.EventBridge(&memoryBus{})
	var n int
	var mu sync.Mutex
	uuids := func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 1 {
			return "00000000-0000-4000-8000-000000000001"
		}
		return caseRequestID
	}
	return []Option{
		WithName("TestStateMachine"), WithRegion("us-east-1"), WithAccount("000000000000"),
		WithType(typ), WithClock(clock), WithResources(reg),
		WithRand(rand.NewPCG(1, 2)), WithUUIDs(uuids),
	}
}

// caseRequestID is the Lambda request id of the fake context.
const caseRequestID = "00000000-0000-4000-8000-00000000abcd"

// caseFunction is a function behaviour of the cases as an Invoker.
type caseFunction struct {
	Behaviour    string          `json:"behaviour"`
	Value        json.RawMessage `json:"value"`
	Payload      json.RawMessage `json:"payload"`
	Seconds      float64         `json:"seconds"`
	Then         string          `json:"then"`
	ErrorType    string          `json:"errorType"`
	ErrorMessage string          `json:"errorMessage"`
	StackTrace   []string        `json:"stackTrace"`
	clock        Clock
}

func newCaseFunction(raw json.RawMessage, clock Clock) *caseFunction {
	f := &caseFunction{clock: clock}
	if err := json.Unmarshal(raw, f); err != nil {
		f.Behaviour = "invalid: " + err.Error()
	}
	return f
}

// Invoke behaves as the recorded Python function did.
func (f *caseFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	switch f.Behaviour {
	case "identity":
		return payload, nil
	case "return":
		return f.Value, nil
	case "raw":
		return f.rawPayload()
	case "sleep":
		if err := f.clock.Sleep(ctx, time.Duration(f.Seconds*float64(time.Second))); err != nil {
			return nil, err
		}
		return payload, nil
	case "raise":
		return nil, &FunctionError{Type: f.ErrorType, Payload: []byte(f.pythonError())}
	}
	return nil, fmt.Errorf("unknown behaviour %q", f.Behaviour)
}

// rawPayload returns the bytes of a raw behaviour.
func (f *caseFunction) rawPayload() ([]byte, error) {
	var s string
	if json.Unmarshal(f.Payload, &s) == nil {
		return []byte(s), nil
	}
	var rep struct {
		Repeat string `json:"repeat"`
		Times  int    `json:"times"`
	}
	if err := json.Unmarshal(f.Payload, &rep); err != nil {
		return nil, err
	}
	return []byte(strings.Repeat(rep.Repeat, rep.Times)), nil
}

// pythonError renders the Lambda Python runtime's error payload: json.dumps
// with its default separators and ASCII escapes.
func (f *caseFunction) pythonError() string {
	trace := make([]string, len(f.StackTrace))
	for i, s := range f.StackTrace {
		trace[i] = pyString(s)
	}
	return fmt.Sprintf(`{"errorMessage": %s, "errorType": %s, "requestId": %s, "stackTrace": [%s]}`,
		pyString(f.ErrorMessage), pyString(f.ErrorType), pyString(caseRequestID), strings.Join(trace, ", "))
}

// pyString quotes s as Python's json.dumps does.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
				continue
			}
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// memorySQS is an in-memory SQS with the cases' queues.
type memorySQS struct {
	mu     sync.Mutex
	queues map[string]json.RawMessage
	sent   map[string][]string
}

func (q *memorySQS) SendMessage(_ context.Context, url, body string) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.queues[url]; !ok {
		return "", &Error{Name: "SQS.QueueDoesNotExistException", Cause: "The specified queue does not exist."}
	}
	if q.sent == nil {
		q.sent = map[string][]string{}
	}
	q.sent[url] = append(q.sent[url], body)
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", len(q.sent[url])), nil
}

// memoryBus is an in-memory EventBridge bus.
type memoryBus struct {
	mu     sync.Mutex
	events []EventEntry
}

func (b *memoryBus) PutEvents(_ context.Context, entries []EventEntry) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ids := make([]string, len(entries))
	for i, e := range entries {
		b.events = append(b.events, e)
		ids[i] = fmt.Sprintf("event-%d", len(b.events))
	}
	return ids, nil
}

// compareExecution checks status, output, error and cause.
func compareExecution(c *conformanceCase, ex *Execution) string {
	if string(ex.Status) != c.Expect.Status {
		return fmt.Sprintf("status %s, want %s (error %s, cause %s)", ex.Status, c.Expect.Status, deref(ex.Error), deref(ex.Cause))
	}
	if r := compareOutput(c, "/expect/output", strPtrBytes(ex.Output)); r != "" {
		return r
	}
	return compareError(c, ex.Error, ex.Cause)
}

// compareOutput compares an actual JSON text with expected output.
func compareOutput(c *conformanceCase, at string, actual []byte) string {
	if c.Expect.Output == nil {
		return ""
	}
	want, err1 := decodeJSON(c.Expect.Output)
	got, err2 := decodeJSON(actual)
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("output %q is not comparable JSON (%v, %v)", actual, err1, err2)
	}
	for _, p := range c.Ignore {
		if rest, ok := strings.CutPrefix(p, at+"/"); ok {
			want = dropPointer(want, rest)
			got = dropPointer(got, rest)
		}
	}
	if !jsonEqual(want, got) {
		return fmt.Sprintf("output %s, want %s", jsonText(got), jsonText(want))
	}
	return ""
}

// compareError checks the error name and cause.
func compareError(c *conformanceCase, gotErr, gotCause *string) string {
	if deref(gotErr) != deref(c.Expect.Error) || (gotErr == nil) != (c.Expect.Error == nil) {
		return fmt.Sprintf("error %q, want %q", deref(gotErr), deref(c.Expect.Error))
	}
	if ignored(c, "/expect/cause") {
		return ""
	}
	if c.Expect.Cause == nil {
		if gotCause != nil {
			return fmt.Sprintf("cause %q, want none", *gotCause)
		}
		return ""
	}
	if gotCause == nil {
		return "no cause, want " + string(c.Expect.Cause)
	}
	var s string
	if json.Unmarshal(c.Expect.Cause, &s) == nil {
		if s != *gotCause {
			return fmt.Sprintf("cause %q, want %q", *gotCause, s)
		}
		return ""
	}
	want, _ := decodeJSON(c.Expect.Cause)
	got, err := decodeJSON([]byte(*gotCause))
	if err != nil || !jsonEqual(want, got) {
		return fmt.Sprintf("cause %s, want %s", *gotCause, c.Expect.Cause)
	}
	return ""
}

// ignored reports whether a pointer is listed in ignore.
func ignored(c *conformanceCase, p string) bool {
	for _, i := range c.Ignore {
		if i == p {
			return true
		}
	}
	return false
}

// compareHistory compares event types in order, or as multisets.
func compareHistory(want, got []string, strict bool) string {
	w, g := append([]string(nil), want...), append([]string(nil), got...)
	if !strict {
		sort.Strings(w)
		sort.Strings(g)
	}
	if strings.Join(w, ",") != strings.Join(g, ",") {
		return fmt.Sprintf("history %v, want %v", got, want)
	}
	return ""
}

// dropPointer removes the member at a JSON Pointer (relative, without the
// leading "/") from v.
func dropPointer(v any, p string) any {
	head, rest, more := strings.Cut(p, "/")
	head = strings.ReplaceAll(strings.ReplaceAll(head, "~1", "/"), "~0", "~")
	switch t := v.(type) {
	case map[string]any:
		if !more {
			delete(t, head)
		} else if c, ok := t[head]; ok {
			t[head] = dropPointer(c, rest)
		}
	case []any:
		i, err := strconv.Atoi(head)
		if err == nil && i < len(t) && more {
			t[i] = dropPointer(t[i], rest)
		}
	}
	return v
}

// jsonEqual compares JSON values, numbers by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, _, e1 := big.ParseFloat(string(x), 10, 200, big.ToNearestEven)
		fy, _, e2 := big.ParseFloat(string(y), 10, 200, big.ToNearestEven)
		return e1 == nil && e2 == nil && fx.Cmp(fy) == 0
	}
	return a == b
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}

func strPtrBytes(s *string) []byte {
	if s == nil {
		return []byte("null")
	}
	return []byte(*s)
}

// runTestStateCase runs a TestState case.
func runTestStateCase(c *conformanceCase) string {
	res, err := TestState(context.Background(), TestStateInput{
		Definition: c.Definition, StateName: c.Run.StateName, Input: c.Input,
		Variables: c.Run.Variables, InspectionLevel: InspectionLevel(c.Run.InspectionLevel),
	})
	if err != nil {
		return "TestState: " + err.Error()
	}
	if string(res.Status) != c.Expect.Status {
		return fmt.Sprintf("status %s, want %s (error %s, cause %s)", res.Status, c.Expect.Status, deref(res.Error), deref(res.Cause))
	}
	if c.Expect.Status == "SUCCEEDED" {
		if r := compareOutput(c, "/expect/output", strPtrBytes(res.Output)); r != "" {
			return r
		}
	}
	if r := compareError(c, res.Error, res.Cause); r != "" {
		return r
	}
	if res.NextState != c.Expect.NextState {
		return fmt.Sprintf("nextState %q, want %q", res.NextState, c.Expect.NextState)
	}
	return compareInspection(c.Expect.InspectionData, inspectionMap(res.Inspection))
}

// inspectionMap lists the inspection fields that are set, by JSON name.
func inspectionMap(d *types.InspectionData) map[string]string {
	if d == nil {
		return nil
	}
	m := map[string]string{}
	for k, v := range map[string]*string{
		"input": d.Input, "afterArguments": d.AfterArguments, "afterInputPath": d.AfterInputPath, "afterParameters": d.AfterParameters,
		"result": d.Result, "afterResultSelector": d.AfterResultSelector, "afterResultPath": d.AfterResultPath,
		"variables": d.Variables,
	} {
		if v != nil {
			m[k] = *v
		}
	}
	return m
}

// compareInspection compares inspection data field by field, each decoded
// from its JSON text.
func compareInspection(want json.RawMessage, got map[string]string) string {
	var w map[string]any
	if len(want) > 0 {
		dec := json.NewDecoder(bytes.NewReader(want))
		dec.UseNumber()
		if err := dec.Decode(&w); err != nil {
			return "bad inspectionData: " + err.Error()
		}
	}
	if len(w) != len(got) {
		return fmt.Sprintf("inspection fields %v, want %s", got, want)
	}
	for k, v := range w {
		text, ok := got[k]
		if !ok {
			return fmt.Sprintf("inspection lacks %s", k)
		}
		g, err := decodeJSON([]byte(text))
		if err != nil || !jsonEqual(v, g) {
			return fmt.Sprintf("inspection %s = %s, want %s", k, text, jsonText(v))
		}
	}
	return ""
}
