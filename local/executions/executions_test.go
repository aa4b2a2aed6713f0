package executions_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepfold/stepfold/local/executions"
	"github.com/stepfold/stepfold/statemachines/asl"
)

func save(t *testing.T, s *executions.Recent, n int, machine string) {
	t.Helper()
	for i := range n {
		status := types.ExecutionStatusSucceeded
		if i%2 == 1 {
			status = types.ExecutionStatusFailed
		}
		ex := &asl.Execution{ExecutionARN: fmt.Sprintf("%s:%d", machine, i), StateMachineARN: machine, Name: fmt.Sprint(i), Status: status}
		if err := s.Save(context.Background(), ex, asl.EventList{}); err != nil {
			t.Fatal(err)
		}
	}
}

func names(p executions.Page) string {
	out := ""
	for _, ex := range p.Executions {
		out += ex.Name + " "
	}
	return out
}

func TestList(t *testing.T) {
	s, err := executions.New(5)
	if err != nil {
		t.Fatal(err)
	}
	save(t, s, 7, "m") // 0 and 1 are evicted
	tests := []struct {
		name string
		q    executions.Query
		want string
		more bool
	}{
		{"newest first", executions.Query{}, "6 5 4 3 2 ", false},
		{"page", executions.Query{Limit: 2}, "6 5 ", true},
		{"status", executions.Query{Status: types.ExecutionStatusFailed}, "5 3 ", false},
		{"other machine", executions.Query{StateMachineARN: "x"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := s.List(tc.q)
			if names(p) != tc.want || (p.Next != 0) != tc.more {
				t.Fatalf("got %q next %d, want %q more=%v", names(p), p.Next, tc.want, tc.more)
			}
		})
	}
	first := s.List(executions.Query{Limit: 2})
	second := s.List(executions.Query{Limit: 2, Before: first.Next})
	third := s.List(executions.Query{Limit: 2, Before: second.Next})
	if names(second) != "4 3 " || names(third) != "2 " || third.Next != 0 {
		t.Fatalf("paging: %q %q next %d", names(second), names(third), third.Next)
	}
	if _, _, err := s.Load(context.Background(), "m:0"); !errors.Is(err, asl.ErrExecutionNotFound) {
		t.Errorf("evicted execution: %v", err)
	}
	if ex, _, err := s.Load(context.Background(), "m:6"); err != nil || ex.Name != "6" {
		t.Errorf("kept execution: %v %v", ex, err)
	}
	if _, err := executions.New(0); err == nil {
		t.Error("capacity 0 accepted")
	}
}
