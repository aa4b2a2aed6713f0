package asl

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// BenchmarkTransition measures the interpreter's overhead per state
// transition on Pass -> Task (a no-op in-process function through
// lambda:invoke) -> Succeed, history included.
func BenchmarkTransition(b *testing.B) {
	def, err := Parse([]byte(`{
	  "StartAt": "P",
	  "States": {
	    "P": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "Next": "T"},
	    "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "noop", "Payload.$": "$"}, "ResultSelector": {"r.$": "$.Payload"}, "Next": "S"},
	    "S": {"Type": "Succeed"}
	  }
	}`), nil)
	if err != nil {
		b.Fatal(err)
	}
	reg := NewRegistry()
	noop := lambda.NewHandler(func(in map[string]any) (map[string]any, error) { return in, nil })
	reg.Functions(map[string]Invoker{"arn:aws:lambda:us-east-1:000000000000:function:noop": noop})
	m, err := New(def, WithResources(reg), WithStore(discardStore{}))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	input := []byte(`{"id":1}`)
	const transitions = 3
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ex, err := m.StartSync(ctx, "bench", input)
		if err != nil || ex.Status != "SUCCEEDED" {
			b.Fatalf("%v %v", err, ex)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*transitions), "ns/transition")
}

// discardStore keeps nothing, so the benchmark measures runs, not memory
// growth.
type discardStore struct{}

func (discardStore) Save(context.Context, *Execution, History) error { return nil }
func (discardStore) Load(context.Context, string) (*Execution, History, error) {
	return nil, nil, ErrExecutionNotFound
}
