package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

const echoMachine = `{"StartAt": "Echo", "States": {"Echo": {"Type": "Task",
	"Resource": "arn:aws:states:::lambda:invoke",
	"Parameters": {"FunctionName": "echo", "Payload.$": "$"},
	"OutputPath": "$.Payload", "End": true}}}`

const echoARN = "arn:aws:lambda:us-east-1:000000000000:function:echo"

// barrier lets n callers in and holds each until all n are inside at once,
// or until the wait runs out.
type barrier struct {
	n      int32
	inside atomic.Int32
	all    chan struct{}
	once   sync.Once
}

func (b *barrier) wait() bool {
	if b.inside.Add(1) == b.n {
		b.once.Do(func() { close(b.all) })
	}
	select {
	case <-b.all:
		return true
	case <-time.After(2 * time.Second):
		return false
	}
}

// echoHandler returns a new aws-lambda-go handler that echoes its input
// once every caller has arrived, and reports whether they all did.
func echoHandler(b *barrier) func() Invoker {
	return func() Invoker {
		return lambda.NewHandler(func(in map[string]any) (map[string]any, error) {
			in["together"] = b.wait()
			return in, nil
		})
	}
}

// startAtOnce starts n executions of the echo machine at once and
// returns their outputs by caller.
func startAtOnce(t *testing.T, reg *Registry, n int) []map[string]any {
	t.Helper()
	m, err := New(mustParse(t, echoMachine), WithResources(reg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	out := make([]map[string]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ex, err := m.StartSync(context.Background(), "", fmt.Appendf(nil, `{"caller": %d}`, i))
			if err != nil || ex.Output == nil {
				t.Errorf("caller %d: %v %+v", i, err, ex)
				return
			}
			if err := json.Unmarshal([]byte(*ex.Output), &out[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	return out
}

func TestFunctionPoolsServeCallsConcurrently(t *testing.T) {
	const n = 8
	b := &barrier{n: n, all: make(chan struct{})}
	reg := NewRegistry()
	reg.FunctionPools(map[string]func() Invoker{echoARN: echoHandler(b)})
	for i, o := range startAtOnce(t, reg, n) {
		if o["together"] != true {
			t.Errorf("caller %d ran alone: pooled instances did not overlap", i)
		}
		if o["caller"] != float64(i) {
			t.Errorf("caller %d got caller %v's result", i, o["caller"])
		}
	}
}

func TestFunctionsServeOneCallAtATime(t *testing.T) {
	const n = 2
	b := &barrier{n: n, all: make(chan struct{})}
	reg := NewRegistry()
	reg.Functions(map[string]Invoker{echoARN: echoHandler(b)()})
	together := 0
	for _, o := range startAtOnce(t, reg, n) {
		if o["together"] == true {
			together++
		}
	}
	if together == n {
		t.Error("one fixed instance served two calls at once")
	}
}
