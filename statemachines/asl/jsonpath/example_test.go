package jsonpath_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

func Example() {
	dec := json.NewDecoder(strings.NewReader(`{"items": [{"id": 1}, {"id": 2}, {"id": 3}]}`))
	dec.UseNumber()
	var input any
	if err := dec.Decode(&input); err != nil {
		panic(err)
	}

	ids, _ := jsonpath.Compile("$.items[1:].id")
	v, err := ids.Get(input, nil)
	fmt.Println(v, err)

	result, _ := jsonpath.Compile("$.result.count")
	out, err := result.Set(input, json.Number("3"))
	fmt.Println(out, err)
	// Output:
	// [2 3] <nil>
	// map[items:[map[id:1] map[id:2] map[id:3]] result:map[count:3]] <nil>
}
