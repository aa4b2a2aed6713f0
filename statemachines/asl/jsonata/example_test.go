package jsonata_test

import (
	"fmt"

	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
)

func Example() {
	e, err := jsonata.Compile(`{
		"customer": $states.input.name,
		"total": $sum($states.input.items.(price * qty)),
		"skus": $states.input.items.sku
	}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	states := map[string]any{"input": map[string]any{
		"name": "Ada",
		"items": []any{
			map[string]any{"sku": "a-1", "price": 2.5, "qty": 2.0},
			map[string]any{"sku": "b-2", "price": 10.0, "qty": 1.0},
		},
	}}
	v, err := e.Evaluate(nil, map[string]any{"states": states})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v)
	// Output: map[customer:Ada skus:[a-1 b-2] total:15]
}
