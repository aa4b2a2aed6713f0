package intrinsic

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonpath"
)

func FuzzIntrinsic(f *testing.F) {
	for _, s := range []string{
		`States.Format('{} \{\} \'{}\'', $.a, $$.b)`, `States.Array(1, -2.5e3, true, null, 'x')`,
		`States.ArrayRange(0, 10, 3)`, `States.ArrayPartition($.arr, 2)`, `States.MathAdd($.n, 1.5)`,
		`States.StringSplit($.s, ',')`, `States.JsonMerge($.o, $.o, false)`, `States.Hash($.s, 'MD5')`,
		`States.Base64Decode(States.Base64Encode($.s))`, `States.StringToJson($.s)`,
		`States.ArrayGetItem($.arr[?(@ > 1)], 0)`, `States.MathRandom(1, 5, 3)`, `States.UUID()`,
	} {
		f.Add(s)
	}
	const text = `{"a":"x","s":"a,b","n":2,"arr":[1,2,3],"o":{"k":[1]}}`
	input := jsontest.Decode(f, []byte(text))
	raw, err := jsonvalue.DecodeLazy([]byte(text))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Compile(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Compile error %v does not match ErrSyntax", err)
			}
			return
		}
		got, err := e.Eval(input, input, fixedEnv)
		var ie *Error
		if err != nil && !errors.As(err, &ie) && !errors.Is(err, jsonpath.ErrNoMatch) {
			t.Fatalf("Eval error %T %v is neither *Error nor ErrNoMatch", err, err)
		}
		fromRaw, rawErr := e.Eval(raw, raw, fixedEnv)
		if fmt.Sprint(rawErr) != fmt.Sprint(err) || !reflect.DeepEqual(fromRaw, got) {
			t.Fatalf("Eval on the raw text = %#v, %v; want %#v, %v", fromRaw, rawErr, got, err)
		}
	})
}
