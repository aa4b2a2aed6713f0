package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/stepfold/stepfold/statemachines/asl"
)

// interpCase is one interpreter workload: a definition, its input, the
// output every execution must end with, and the Lambda functions it calls,
// by ARN, each returning a fixed payload.
type interpCase struct {
	definition []byte
	subs       map[string]string
	input      []byte
	output     any // decoded
	functions  map[string][]byte
}

// taskNames are the account pipeline's Lambda tasks, as the definition's
// states name them.
var taskNames = []string{"Validate", "Persist", "Publish", "Fold"}

// functionARN is the ARN both harnesses give a task's function.
func functionARN(task string) string {
	return "arn:aws:lambda:us-east-1:000000000000:function:peers-" + task
}

// accountCase is the account pipeline on the recorded Deposit of
// testdata/account.json: each task returns the payload the real one did.
func accountCase(c workerConfig) (interpCase, error) {
	def, err := os.ReadFile(filepath.Join(c.testdata, "..", "..", "..", "statemachines", "pipeline.asl.json"))
	if err != nil {
		return interpCase{}, err
	}
	var fx struct {
		Input  json.RawMessage            `json:"input"`
		Tasks  map[string]json.RawMessage `json:"tasks"`
		Output any                        `json:"output"`
	}
	if err := readJSON(filepath.Join(c.testdata, "account.json"), &fx); err != nil {
		return interpCase{}, err
	}
	ic := interpCase{definition: def, input: fx.Input, output: fx.Output,
		subs: map[string]string{"DeadLetterQueueUrl": "http://127.0.0.1/000000000000/peers-dlq"}, functions: map[string][]byte{}}
	for _, t := range taskNames {
		p, ok := fx.Tasks[t]
		if !ok {
			return interpCase{}, fmt.Errorf("account.json has no payload for %s", t)
		}
		ic.subs[t+"FunctionArn"] = functionARN(t)
		ic.functions[functionARN(t)] = compact(p)
	}
	return ic, nil
}

// choiceCase is ten chained Choice states; the output is the input.
func choiceCase(c workerConfig) (interpCase, error) {
	def, err := os.ReadFile(filepath.Join(c.testdata, "choice10.asl.json"))
	return interpCase{definition: def, input: []byte(`{"n":10}`), output: map[string]any{"n": 10.0}}, err
}

// mapCase is a Map over 100 items {"n": i} whose processor turns each
// into {"v": i}.
func mapCase(c workerConfig) (interpCase, error) {
	def, err := os.ReadFile(filepath.Join(c.testdata, "map100.asl.json"))
	items := make([]map[string]int, 100)
	want := make([]any, 100)
	for i := range items {
		items[i] = map[string]int{"n": i}
		want[i] = map[string]any{"v": float64(i)}
	}
	input, _ := json.Marshal(map[string]any{"items": items})
	return interpCase{definition: def, input: input, output: want}, err
}

// interpWorkload runs a case on the interpreter: every op is one
// synchronous execution, checked against the case's output.
func interpWorkload(load func(workerConfig) (interpCase, error)) workload {
	return func(_ context.Context, c workerConfig) (func(int) op, func() error, error) {
		ic, err := load(c)
		if err != nil {
			return nil, nil, err
		}
		m, err := newMachine(ic)
		if err != nil {
			return nil, nil, err
		}
		run := func(ctx context.Context) error {
			ex, err := m.StartSync(ctx, "", ic.input)
			if err != nil {
				return err
			}
			return checkOutput(ex, ic.output)
		}
		return func(int) op { return run }, m.Close, nil
	}
}

// newMachine loads the case's definition with its functions as in-process
// Lambda functions that scale out, and a store that keeps no execution.
func newMachine(ic interpCase) (*asl.Machine, error) {
	def, err := asl.Parse(ic.definition, ic.subs)
	if err != nil {
		return nil, err
	}
	reg := asl.NewRegistry()
	pools := map[string]func() asl.Invoker{}
	for arn, payload := range ic.functions {
		pools[arn] = func() asl.Invoker { return fixedResult(payload) }
	}
	reg.FunctionPools(pools)
	reg.SQS(refuseSQS{})
	return asl.New(def, asl.WithName("Peers"), asl.WithResources(reg), asl.WithStore(discardStore{}))
}

// fixedResult is a no-op Lambda function: whatever its input, it returns
// the same payload.
type fixedResult []byte

func (f fixedResult) Invoke(context.Context, []byte) ([]byte, error) { return f, nil }

// refuseSQS stands for the dead-letter queue, which the success path
// never reaches: a message sent there fails the execution, and so the run.
type refuseSQS struct{}

func (refuseSQS) SendMessage(context.Context, string, string) (string, error) {
	return "", errors.New("the execution reached the dead-letter queue")
}

// discardStore keeps no execution, so memory stays flat over a run.
type discardStore struct{}

func (discardStore) Save(context.Context, *asl.Execution, asl.History) error { return nil }

func (discardStore) Load(context.Context, string) (*asl.Execution, asl.History, error) {
	return nil, nil, asl.ErrExecutionNotFound
}

// checkOutput fails unless ex succeeded with want as its output.
func checkOutput(ex *asl.Execution, want any) error {
	if ex.Status != "SUCCEEDED" || ex.Output == nil {
		return fmt.Errorf("execution %s: %v %v", ex.Status, deref(ex.Error), deref(ex.Cause))
	}
	var got any
	if err := json.Unmarshal([]byte(*ex.Output), &got); err != nil {
		return err
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("output %s, want %v", *ex.Output, want)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}
