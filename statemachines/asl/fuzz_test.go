package asl

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that no definition makes Parse panic, and that every
// rejection is a *LoadError.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`))
	f.Add([]byte(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.a","NumericGreaterThanPath":"$.b","Next":"E"}]}],"Default":"E"},"E":{"Type":"Succeed"}}}`))
	f.Add([]byte(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`))
	f.Add([]byte(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":1.5}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F","ResultPath":"$.e"}],"End":true},"F":{"Type":"Fail","ErrorPath":"States.Format('x{}', $.e.Error)"}}}`))
	f.Add([]byte(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.t","End":true}}}],"End":true}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := Parse(data, nil)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("Parse error %v is not a *LoadError with problems", err)
			}
			return
		}
		if def.root == nil || def.root.states[def.root.startAt] == nil {
			t.Fatal("Parse accepted a definition without its StartAt state")
		}
	})
}

// fuzzMachine exercises Parameters (paths and intrinsics), ResultSelector,
// Choice and ResultPath on any input.
const fuzzMachine = `{
  "StartAt": "Shape",
  "States": {
    "Shape": {
      "Type": "Pass",
      "Parameters": {"id.$": "$.id", "all.$": "$", "fmt.$": "States.Format('{}-{}', $.id, $.name)", "len.$": "States.ArrayLength($.items)"},
      "ResultPath": "$.shaped",
      "Next": "Call"
    },
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "echo", "Payload.$": "$.shaped"},
      "ResultSelector": {"echoed.$": "$.Payload.all", "n.$": "$.Payload.len"},
      "ResultPath": "$.call",
      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Route"}],
      "Next": "Route"
    },
    "Route": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.id", "NumericGreaterThan": 10, "Next": "Big"},
        {"And": [{"Variable": "$.name", "IsString": true}, {"Variable": "$.name", "StringMatches": "a*b*c"}], "Next": "Big"},
        {"Not": {"Variable": "$.when", "TimestampLessThanPath": "$.limit"}, "Next": "Small"}
      ],
      "Default": "Small"
    },
    "Big": {"Type": "Succeed", "OutputPath": "$.call"},
    "Small": {"Type": "Fail", "ErrorPath": "$.name", "Cause": "small"}
  }
}`

// FuzzRun checks that no input makes a run panic or fail with anything but
// an ASL error name.
func FuzzRun(f *testing.F) {
	def, err := Parse([]byte(fuzzMachine), nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{`{"id":42,"name":"x","items":[1,2]}`, `{"id":1,"name":"abc","items":[]}`, `{"id":"7","when":"2024-01-01T00:00:00Z","limit":"2025-01-01T00:00:00Z","items":[]}`, `[]`, `null`, `"s"`, `{"id":{},"items":{}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		reg := NewRegistry()
		reg.Functions(map[string]Invoker{"arn:aws:lambda:us-east-1:000000000000:function:echo": echoInvoker{}})
		m, err := New(def, WithResources(reg), WithClock(newVirtualClock()))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		ex, err := m.StartSync(context.Background(), "fuzz", input)
		if err != nil {
			return // the input was rejected before the run started
		}
		if strings.Contains(deref(ex.Cause), "internal error") {
			t.Fatalf("a state panicked: %s", deref(ex.Cause))
		}
		if ex.Status != "SUCCEEDED" && ex.Status != "FAILED" {
			t.Fatalf("status %s", ex.Status)
		}
	})
}

// echoInvoker returns its payload.
type echoInvoker struct{}

func (echoInvoker) Invoke(_ context.Context, payload []byte) ([]byte, error) { return payload, nil }

// FuzzTemplates runs any Output and Assign, written in either query
// language, on any input, after a state that sets two variables: loading
// either rejects the definition with a *LoadError or gives a machine
// whose run ends SUCCEEDED or FAILED with an ASL error name, never a
// panic, and within the expression time limit.
func FuzzTemplates(f *testing.F) {
	for _, seed := range []struct {
		jsonata        bool
		output, assign string
		input          string
	}{
		{true, `{"a":"{% $states.input.a %}","n":"{% $count($x) %}"}`, `{"y":"{% $x[0] + 1 %}"}`, `{"a":[1,2]}`},
		{true, `"{% $reduce($x, function($i, $j){$i + $j}) %}"`, `{"z":"{% $states.context.Execution.Name %}"}`, `{}`},
		{true, `"{% ($f := function($n){$n < 2 ? $n : $f($n-1) + $f($n-2)}; $f(25)) %}"`, `{}`, `null`},
		{true, `["{% $partition($x, 1) %}","{% $range(0, 5, 2) %}","{% $hash($y, 'SHA-1') %}","{% $parse('[1]') %}"]`, `{"u":"{% $uuid() %}"}`, `[]`},
		{true, `"{% $eval('1') %}"`, `{"states":"{% 1 %}"}`, `1`},
		{false, `{"a.$":"$.a","x.$":"$x","y.$":"$y.k","f.$":"States.Format('{}', $y)"}`, `{"w.$":"$$.State.Name","v.$":"$x[0]"}`, `{"a":1}`},
		{false, `{"n.$":"States.ArrayLength($x)"}`, `{"bad.$":"$nope"}`, `{}`},
	} {
		f.Add(seed.jsonata, seed.output, seed.assign, seed.input)
	}
	f.Fuzz(func(t *testing.T, jsonata bool, output, assign, input string) {
		out, err := decodeJSON([]byte(output))
		if err != nil {
			return
		}
		asg, err := decodeJSON([]byte(assign))
		if err != nil {
			return
		}
		state := map[string]any{"Type": "Pass", "Assign": asg, "End": true}
		if jsonata {
			state["QueryLanguage"], state["Output"] = "JSONata", out
		} else {
			state["Parameters"] = out
		}
		def := map[string]any{"StartAt": "Init", "States": map[string]any{
			"Init": map[string]any{"Type": "Pass", "Assign": map[string]any{"x": []any{json.Number("1"), json.Number("2")}, "y": map[string]any{"k": "v"}}, "Next": "Fuzz"},
			"Fuzz": state,
		}}
		d, err := Parse([]byte(jsonText(def)), nil)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Parse error %v is not a *LoadError", err)
			}
			return
		}
		m, err := New(d, WithClock(newVirtualClock()))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		ex, err := m.StartSync(context.Background(), "fuzz", []byte(input))
		if err != nil {
			return // the input was rejected before the run started
		}
		if strings.Contains(deref(ex.Cause), "internal error") {
			t.Fatalf("a state panicked: %s", deref(ex.Cause))
		}
		switch {
		case ex.Status == "SUCCEEDED":
		case ex.Status == "FAILED" && strings.HasPrefix(deref(ex.Error), "States."):
		default:
			t.Fatalf("status %s, error %s", ex.Status, deref(ex.Error))
		}
	})
}
