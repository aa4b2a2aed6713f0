package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
)

// rawResult is what function f returns in TestRawLambdaResults: keys in
// sorted order, so that its text is also how the decoded value encodes.
const rawResult = `{"a":{"b":[1,2,{"c":"x"}]},"items":[{"n":1},{"n":2,"s":"2024-01-02T03:04:05Z"}],"n":5,"s":"2024-01-01T00:00:00Z","t":"héllo"}`

// TestRawLambdaResults runs machines whose states read a Lambda result in
// every way a state can, once with the result kept as a raw text and once
// with the same value indented, which is decoded. Both runs must give the
// same output, error, cause and history, byte for byte. (Map and Parallel
// run one at a time here, so that the histories have one order.)
func TestRawLambdaResults(t *testing.T) {
	const task = `"F":{"Type":"Task","Resource":"` + fnARN + `","ResultPath":"$.r","Next":"S"}`
	tests := []struct {
		name   string
		want   string // the status, and the error of a failure
		states string // F (the function) then S onwards
		result string // f's result, when not rawResult
	}{
		{"moved through templates", "SUCCEEDED", `"F":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"ResultSelector":{"a.$":"$.Payload.a","items.$":"$.Payload.items","n.$":"$.Payload.n","len.$":"$.Payload.items.length()"},"ResultPath":"$.r","Next":"S"},
			"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload":{"a.$":"$.r.a","first.$":"$.r.items[0]","last.$":"$.r.items[-1].n","c.$":"$.r.a.b[2].c"}},"ResultSelector":{"p.$":"$.Payload"},"ResultPath":"$.e","End":true}`, ""},
		{"whole envelope kept", "SUCCEEDED", `"F":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"ResultPath":"$.r","OutputPath":"$.r","Next":"S"},"S":{"Type":"Pass","InputPath":"$.Payload.a","End":true}`, ""},
		{"choice rules", "SUCCEEDED", task + `,"S":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.r.n","NumericEquals":5},{"Variable":"$.r.t","StringMatches":"h*"},{"Variable":"$.r.a","IsPresent":true},{"Not":{"Variable":"$.r.a","IsString":true}},{"Variable":"$.r.s","IsTimestamp":true},{"Variable":"$.r.items[1].n","NumericGreaterThanPath":"$.r.items[0].n"}],"Next":"Yes"}],"Default":"No"},"Yes":{"Type":"Succeed"},"No":{"Type":"Fail","Error":"NoMatch"}`, ""},
		{"intrinsic functions", "SUCCEEDED", task + `,"S":{"Type":"Pass","Parameters":{"len.$":"States.ArrayLength($.r.items)","fmt.$":"States.Format('{} {}', $.r.a, $.r.t)","json.$":"States.JsonToString($.r.items)","merged.$":"States.JsonMerge($.r.a, $.r.items[0], false)","has.$":"States.ArrayContains($.r.items, $.r.items[0])","item.$":"States.ArrayGetItem($.r.a.b, 2)"},"End":true}`, ""},
		{"filters and wildcards", "SUCCEEDED", task + `,"S":{"Type":"Pass","Parameters":{"ns.$":"$.r.items[*].n","big.$":"$.r.items[?(@.n > 1)]","cs.$":"$..c","vals.$":"$.r.a.*","slice.$":"$.r.items[1:]"},"End":true}`, ""},
		{"map over items", "SUCCEEDED", task + `,"S":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.r.items","ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index","a.$":"$.r.a"},"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.v.n","NumericEquals":2,"Next":"Two"}],"Default":"Other"},"Two":{"Type":"Pass","Parameters":{"s.$":"$.v.s"},"End":true},"Other":{"Type":"Pass","End":true}}},"End":true}`, ""},
		{"map over a raw result", "SUCCEEDED", `"F":{"Type":"Task","Resource":"` + fnARN + `","Next":"S"},"S":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`, `[{"a":1},[2],"3"]`},
		{"wait and fail paths", "FAILED héllo", task + `,"S":{"Type":"Wait","TimestampPath":"$.r.items[1].s","Next":"W"},"W":{"Type":"Wait","SecondsPath":"$.r.n","Next":"X"},"X":{"Type":"Fail","ErrorPath":"$.r.t","CausePath":"States.Format('{}', $.r.a.b)"}`, ""},
		{"fail path to an object", "FAILED States.Runtime", task + `,"S":{"Type":"Fail","ErrorPath":"$.r.a","Cause":"c"}`, ""},
		{"timeout path", "SUCCEEDED", `"F":{"Type":"Task","Resource":"` + fnARN + `","ResultPath":"$.r","Next":"S"},"S":{"Type":"Task","Resource":"` + echoARN + `","TimeoutSecondsPath":"$.r.n","End":true}`, ""},
		{"result paths into a raw result", "SUCCEEDED", `"F":{"Type":"Task","Resource":"` + fnARN + `","Next":"S"},"S":{"Type":"Pass","Result":"v","ResultPath":"$.a.new","Next":"T"},"T":{"Type":"Pass","Result":{"m":1},"ResultPath":"$.items[1].m","Next":"U"},"U":{"Type":"Pass","Result":0,"ResultPath":"$.n","End":true}`, ""},
		{"result path that cannot apply", "FAILED States.ResultPathMatchFailure", task + `,"S":{"Type":"Pass","Result":1,"ResultPath":"$.r.n.x","End":true}`, ""},
		{"missing path quotes the input", "FAILED States.Runtime", task + `,"S":{"Type":"Pass","Parameters":{"x.$":"$.r.a.missing"},"End":true}`, ""},
		{"lambda:invoke on a raw input", "SUCCEEDED", `"F":{"Type":"Task","Resource":"` + fnARN + `","Next":"S"},"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"p.$":"$.Payload"},"End":true}`, `{"FunctionName":"echo","Payload":{"k":[1,{"x":null}]}}`},
		{"raw string result", "SUCCEEDED", `"F":{"Type":"Task","Resource":"` + fnARN + `","ResultPath":"$.r","Next":"S"},"S":{"Type":"Task","Resource":"` + echoARN + `","InputPath":"$.r[0]","End":true}`, `["s",1]`},
		{"sqs and events", "SUCCEEDED", task + `,"S":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody.$":"$.r"},"ResultPath":"$.sqs","Next":"E"},"E":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{"Entries":[{"Source":"s","DetailType":"d","Detail.$":"$.r.a"}]},"ResultPath":"$.ev","End":true}`, ""},
		{"handlers see decoded input", "SUCCEEDED", task + `,"S":{"Type":"Task","Resource":"arn:aws:states:::custom:inspect","Parameters":{"a.$":"$.r.a","all.$":"$.r"},"End":true}`, ""},
		{"parallel branch", "SUCCEEDED", task + `,"S":{"Type":"Parallel","Branches":[{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.r.n","NumericEquals":5,"Next":"D"}],"Default":"D"},"D":{"Type":"Pass","OutputPath":"$.r.items","End":true}}}],"ResultSelector":{"all.$":"$[0]","second.$":"$[0][1]"},"End":true}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result := rawResult
			if tt.result != "" {
				result = tt.result
			}
			if v, _ := jsonvalue.DecodeLazy([]byte(result)); fmt.Sprintf("%T", v) != "jsonvalue.Raw" {
				t.Fatalf("the result %s is not kept raw", result)
			}
			var indented bytes.Buffer
			if err := json.Indent(&indented, []byte(result), "", "  "); err != nil {
				t.Fatal(err)
			}
			def := `{"StartAt":"F","States":{` + tt.states + `}}`
			raw, got := runWithResult(t, def, []byte(result))
			if got != tt.want {
				t.Errorf("run ended %s, want %s", got, tt.want)
			}
			decoded, _ := runWithResult(t, def, indented.Bytes())
			if raw != decoded {
				t.Errorf("the runs differ\n%s", firstDifference(raw, decoded))
			}
		})
	}
}

// runWithResult runs def with function f returning result. It describes
// the execution and its history as JSON, without the Content-Length
// headers, and says how the run ended: its status, and its error if any.
func runWithResult(t *testing.T, def string, result []byte) (text, ended string) {
	t.Helper()
	reg := NewRegistry()
	reg.Functions(map[string]Invoker{fnARN: fixedResult(result), echoARN: echoInvoker{}})
	reg.SQS(&memorySQS{queues: map[string]json.RawMessage{"q": nil}})
	reg.EventBridge(&memoryBus{})
	reg.Handle("arn:aws:states:::custom:inspect", TaskHandlerFunc(inspectInput))
	m, err := New(mustParse(t, def), WithResources(reg), WithClock(newVirtualClock()), WithUUIDs(func() string { return "id" }))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ex, err := m.StartSync(context.Background(), "run", []byte(`{"in":1}`))
	if err != nil {
		t.Fatal(err)
	}
	hist, err := m.History(context.Background(), ex.ExecutionARN)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := json.MarshalIndent(struct {
		Status, Output, Error, Cause string
		History                      []types.HistoryEvent
	}{string(ex.Status), deref(ex.Output), deref(ex.Error), deref(ex.Cause), hist}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	ended = string(ex.Status)
	if ex.Error != nil {
		ended += " " + *ex.Error
	}
	// The Content-Length headers of a Lambda envelope count the bytes the
	// function returned, which differ between a result and its indented
	// form.
	contentLength := regexp.MustCompile(`\\"Content-Length\\":(\[)?\\"[0-9]+\\"`)
	return contentLength.ReplaceAllString(string(desc), `"Content-Length":$1"n"`), ended
}

// firstDifference shows the first line where the descriptions of a run
// with a raw result and one with a decoded result differ.
func firstDifference(raw, decoded string) string {
	r, d := strings.Split(raw, "\n"), strings.Split(decoded, "\n")
	for i := range min(len(r), len(d)) {
		if r[i] != d[i] {
			return fmt.Sprintf("line %d with the result raw:\n%s\nwith it decoded:\n%s", i+1, r[i], d[i])
		}
	}
	return fmt.Sprintf("one run has %d lines, the other %d", len(r), len(d))
}

// fixedResult is a function that always returns the same bytes.
type fixedResult []byte

func (f fixedResult) Invoke(context.Context, []byte) ([]byte, error) { return f, nil }

// inspectInput is a task handler that fails if its input holds a raw JSON
// text, which handlers outside this package must never see.
func inspectInput(_ context.Context, t *Task) (any, error) {
	if holdsRaw(t.Input) {
		return nil, newError("Test.RawInput", "the handler got a raw JSON text")
	}
	return t.Input, nil
}

// holdsRaw reports whether v holds a jsonvalue.Raw anywhere.
func holdsRaw(v any) bool {
	switch t := v.(type) {
	case jsonvalue.Raw:
		return true
	case []any:
		for _, e := range t {
			if holdsRaw(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range t {
			if holdsRaw(e) {
				return true
			}
		}
	}
	return false
}

// TestRawResultKeepsMemberOrder shows the one visible effect of keeping a
// Lambda result raw: its members keep the function's order, as on AWS,
// where a decoded value is written with its keys sorted.
func TestRawResultKeepsMemberOrder(t *testing.T) {
	def := mustParse(t, `{"StartAt":"F","States":{"F":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"ResultSelector":{"z.$":"$.Payload.z","a.$":"$.Payload.a"},"End":true}}}`)
	tests := []struct{ result, want string }{
		{`{"z":{"y":1,"x":[{"b":2,"a":1}]},"a":0}`, `{"a":0,"z":{"y":1,"x":[{"b":2,"a":1}]}}`},
		{`{"z": {"y":1,"x":[{"b":2,"a":1}]},"a":0}`, `{"a":0,"z":{"x":[{"a":1,"b":2}],"y":1}}`},
	}
	for _, tt := range tests {
		ex := runSync(t, def, `{}`, withFunction(fixedResult(tt.result)))
		if deref(ex.Output) != tt.want {
			t.Errorf("result %s gave %s, want %s", tt.result, deref(ex.Output), tt.want)
		}
	}
}

// rawFuzzMachines returns the states of machines that read a function's
// result in the ways the data flow can, one way a machine so that a
// failure of one does not hide the others (and, in a template, one path at
// most may fail: which of two failing fields is reported depends on map
// order). F, before them, calls the function and puts its result at $.r.
func rawFuzzMachines() []string {
	return []string{
		`"S":{"Type":"Pass","Parameters":{"all.$":"$.r"},"End":true}`,
		`"S":{"Type":"Pass","Parameters":{"a.$":"$.r.a"},"End":true}`,
		`"S":{"Type":"Pass","Parameters":{"first.$":"$.r[0]"},"End":true}`,
		`"S":{"Type":"Pass","Parameters":{"last.$":"$.r[-1]"},"End":true}`,
		`"S":{"Type":"Pass","Parameters":{"len.$":"$.r.length()"},"End":true}`,
		`"S":{"Type":"Pass","Parameters":{"ab.$":"$.r['a','b']"},"End":true}`,
		`"S":{"Type":"Pass","InputPath":"$.r.a","OutputPath":"$[0]","End":true}`,
		`"S":{"Type":"Choice","Choices":[{"Variable":"$.r.a","IsString":true,"Next":"Y"},{"Variable":"$.r.a","NumericGreaterThan":1,"Next":"Y"},{"Variable":"$.r[0]","IsPresent":true,"Next":"Y"}],"Default":"Y"},"Y":{"Type":"Succeed","OutputPath":"$.r"}`,
		`"S":{"Type":"Pass","Parameters":{"s.$":"States.JsonToString($.r)","f.$":"States.Format('{}', $.r)"},"End":true}`,
		`"S":{"Type":"Pass","Parameters":{"w.$":"$.r[*]","d.$":"$..a","f.$":"$.r[?(@.a)]","v.$":"$.r.*"},"End":true}`,
		`"S":{"Type":"Pass","Result":1,"ResultPath":"$.r.a.x","Next":"T"},"T":{"Type":"Pass","Result":2,"ResultPath":"$.r.b","End":true}`,
		`"S":{"Type":"Pass","Result":1,"ResultPath":"$.r[0]","End":true}`,
		`"S":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.r","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$","a.$":"$.a"},"End":true}}},"End":true}`,
		`"S":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload.$":"$.r"},"ResultSelector":{"p.$":"$.Payload"},"End":true}`,
	}
}

// FuzzRawResults runs rawFuzzMachines on any function result, once kept
// raw where it can be and once indented, which is decoded: the runs must
// not differ. The result is first written as the encoder writes it (keys
// sorted), since a raw result keeps its member order and a decoded one
// does not.
func FuzzRawResults(f *testing.F) {
	for _, s := range []string{rawResult, `[1,{"a":"x"},[2]]`, `{"a":[{"a":1}],"b":{}}`, `{"a":{"x":{"y":null}},"b":[true,false]}`, `"s"`, `5`, `{}`, `[]`, `{"a":"<\u2028>"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := jsonvalue.Decode(data)
		if err != nil {
			return
		}
		result, err := jsonvalue.Append(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		var indented bytes.Buffer
		if err := json.Indent(&indented, result, "", " "); err != nil {
			t.Fatal(err)
		}
		for _, states := range rawFuzzMachines() {
			def := `{"StartAt":"F","States":{"F":{"Type":"Task","Resource":"` + fnARN + `","ResultPath":"$.r","Next":"S"},` + states + `}}`
			raw, _ := runWithResult(t, def, result)
			decoded, _ := runWithResult(t, def, indented.Bytes())
			if raw != decoded {
				t.Fatalf("result %s, machine %s: the runs differ\n%s", result, states, firstDifference(raw, decoded))
			}
		}
	})
}
