package intrinsic

import (
	"fmt"
)

// function describes one States.* intrinsic.
type function struct {
	name     string
	min, max int // argument count bounds; max < 0 means no upper bound
	run      func(ev *evaluator, c *call, args []any) (any, error)
	// static, when set, checks literal arguments at compile time.
	static func(c *call) error
}

// lookup returns the intrinsic called name, or nil.
func lookup(name string) *function {
	switch name {
	case "States.Format":
		return &function{name: name, min: 1, max: -1, run: runFormat, static: checkFormat}
	case "States.StringToJson":
		return &function{name: name, min: 1, max: 1, run: runStringToJSON}
	case "States.JsonToString":
		return &function{name: name, min: 1, max: 1, run: runJSONToString}
	case "States.Array":
		return &function{name: name, min: 0, max: -1, run: runArray}
	case "States.ArrayPartition":
		return &function{name: name, min: 2, max: 2, run: runArrayPartition}
	case "States.ArrayContains":
		return &function{name: name, min: 2, max: 2, run: runArrayContains}
	case "States.ArrayRange":
		return &function{name: name, min: 3, max: 3, run: runArrayRange}
	case "States.ArrayGetItem":
		return &function{name: name, min: 2, max: 2, run: runArrayGetItem}
	case "States.ArrayLength":
		return &function{name: name, min: 1, max: 1, run: runArrayLength}
	case "States.ArrayUnique":
		return &function{name: name, min: 1, max: 1, run: runArrayUnique}
	}
	return lookupMore(name)
}

// lookupMore covers the encoding, hashing, math, string and id intrinsics.
func lookupMore(name string) *function {
	switch name {
	case "States.Base64Encode":
		return &function{name: name, min: 1, max: 1, run: runBase64Encode}
	case "States.Base64Decode":
		return &function{name: name, min: 1, max: 1, run: runBase64Decode}
	case "States.Hash":
		return &function{name: name, min: 2, max: 2, run: runHash, static: checkHash}
	case "States.JsonMerge":
		return &function{name: name, min: 3, max: 3, run: runJSONMerge, static: checkJSONMerge}
	case "States.MathRandom":
		return &function{name: name, min: 2, max: 3, run: runMathRandom}
	case "States.MathAdd":
		return &function{name: name, min: 2, max: 2, run: runMathAdd}
	case "States.StringSplit":
		return &function{name: name, min: 2, max: 2, run: runStringSplit}
	case "States.UUID":
		return &function{name: name, min: 0, max: 0, run: runUUID}
	}
	return nil
}

// check validates the argument count and any static constraints.
func (f *function) check(c *call) error {
	n := len(c.args)
	switch {
	case n < f.min && f.min == f.max:
		return fmt.Errorf("%s takes %d argument(s), got %d", f.name, f.min, n)
	case n < f.min:
		return fmt.Errorf("%s takes at least %d argument(s), got %d", f.name, f.min, n)
	case f.max >= 0 && n > f.max:
		return fmt.Errorf("%s takes at most %d argument(s), got %d", f.name, f.max, n)
	}
	if f.static != nil {
		return f.static(c)
	}
	return nil
}
