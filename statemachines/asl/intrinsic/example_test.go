package intrinsic_test

import (
	"fmt"

	"github.com/stepfold/stepfold/statemachines/asl/intrinsic"
)

func Example() {
	input := map[string]any{"user": "ada", "tags": []any{"a", "b", "a"}}
	context := map[string]any{"Execution": map[string]any{"Name": "run-1"}}

	e, err := intrinsic.Compile(`States.Format('{} ran {} with {}', $.user, $$.Execution.Name, States.ArrayUnique($.tags))`)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := e.Eval(input, context, intrinsic.Env{})
	fmt.Println(v, err)
	// Output:
	// ada ran run-1 with [a, b] <nil>
}
