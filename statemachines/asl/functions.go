package asl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsonvalue"
	"github.com/stepfold/stepfold/statemachines/asl/jsonata"
)

// MaxRangeLength bounds the array $range builds.
const MaxRangeLength = 1_000_000

// jsonataFunctions are what JSONata evaluations of m run with: the
// functions Step Functions adds ($partition, $range, $hash, $random,
// $uuid, $parse), without $eval, which Step Functions removes, and the
// depth and time bounds.
type jsonataFunctions struct {
	added   map[string]jsonata.Function
	without jsonata.Option
	limits  jsonata.Option
}

// jsonataFunctions builds m's functions.
func (m *Machine) jsonataFunctions() *jsonataFunctions {
	return &jsonataFunctions{
		added: map[string]jsonata.Function{
			"partition": {Name: "partition", Call: fnPartition},
			"range":     {Name: "range", Call: fnRange},
			"hash":      {Name: "hash", Call: fnHash},
			"random":    {Name: "random", Call: m.fnRandom},
			"uuid":      {Name: "uuid", Call: m.fnUUID},
			"parse":     {Name: "parse", Call: fnParse},
		},
		without: jsonata.WithoutFunctions("eval"),
		limits:  jsonata.WithLimits(ExpressionDepth, ExpressionTimeout),
	}
}

// options returns what x is evaluated with: the bounds, and only the
// functions it may call, since each added function costs every evaluation
// that carries it. A name is looked for in the expression's text, which
// errs towards carrying a function it does not call.
func (f *jsonataFunctions) options(x *texpr) []jsonata.Option {
	opts := []jsonata.Option{f.limits}
	if strings.Contains(x.src, "eval") {
		opts = append(opts, f.without)
	}
	var fs []jsonata.Function
	for _, name := range slices.Sorted(maps.Keys(f.added)) {
		if strings.Contains(x.src, name) {
			fs = append(fs, f.added[name])
		}
	}
	if fs != nil {
		opts = append(opts, jsonata.WithFunctions(fs...))
	}
	return opts
}

// fnError is the failure of one of these functions, in the form
// evaluation errors take.
func fnError(code, format string, args ...any) error {
	return &jsonata.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// arg returns args[i], or Undefined when the call passed fewer.
func arg(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return jsonata.Undefined
}

// truncated returns a number argument truncated towards zero, as Step
// Functions reads the numbers these functions take.
func truncated(name string, v any, i int) (float64, error) {
	f, ok := v.(float64)
	if !ok {
		if n, isNum := v.(json.Number); isNum {
			g, err := n.Float64()
			f, ok = g, err == nil
		}
	}
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fnError("T0410", "Argument %d of function $%s must be a number", i+1, name)
	}
	return math.Trunc(f), nil
}

// fnPartition is $partition(array, size): the array in chunks of size,
// the last holding what is left. An empty array, or a size below one,
// yields nothing.
func fnPartition(args []any) (any, error) {
	arr, ok := arg(args, 0).([]any)
	if !ok {
		if arg(args, 0) == jsonata.Undefined {
			return jsonata.Undefined, nil
		}
		arr = []any{args[0]}
	}
	size, err := truncated("partition", arg(args, 1), 1)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 || size < 1 {
		return jsonata.Undefined, nil
	}
	n := int(min(size, float64(len(arr))))
	out := make([]any, 0, (len(arr)+n-1)/n)
	for i := 0; i < len(arr); i += n {
		out = append(out, arr[i:min(i+n, len(arr))])
	}
	return out, nil
}

// fnRange is $range(start, end, step): the numbers from start towards end
// by step, end included when a step lands on it. A step that is zero or
// points away from end yields nothing, and one number is returned bare.
func fnRange(args []any) (any, error) {
	if len(args) < 3 {
		return jsonata.Undefined, nil
	}
	var b [3]float64
	for i := range b {
		f, err := truncated("range", args[i], i)
		if err != nil {
			return nil, err
		}
		b[i] = f
	}
	start, end, step := b[0], b[1], b[2]
	if step == 0 || (end-start)*step < 0 {
		return jsonata.Undefined, nil
	}
	count := math.Floor((end-start)/step) + 1
	if count > MaxRangeLength {
		return nil, fnError("D2014", "$range would make %.0f numbers; at most %d are allowed", count, MaxRangeLength)
	}
	if count == 1 {
		return start, nil
	}
	out := make([]any, int(count))
	for i := range out {
		out[i] = start + float64(i)*step
	}
	return out, nil
}

// hashes are the algorithms $hash takes, by the names Step Functions uses.
var hashes = map[string]func() hash.Hash{
	"MD5": md5.New, "SHA-1": sha1.New, "SHA-256": sha256.New, "SHA-384": sha512.New384, "SHA-512": sha512.New,
}

// fnHash is $hash(value, algorithm): the hex digest of a string, or of the
// JSON text of any other value. Without an algorithm it yields nothing.
func fnHash(args []any) (any, error) {
	v, algo := arg(args, 0), arg(args, 1)
	if v == jsonata.Undefined || algo == jsonata.Undefined {
		return jsonata.Undefined, nil
	}
	name, _ := algo.(string)
	newHash := hashes[name]
	if newHash == nil {
		return nil, fnError("D3137", "$hash: unsupported algorithm %s; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", jsonText(algo))
	}
	s, ok := v.(string)
	if !ok {
		s = jsonText(jsonvalue.Numbers(v))
	}
	h := newHash()
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fnRandom is $random(seed): a number in [0, 1), the same for the same
// integer seed.
func (m *Machine) fnRandom(args []any) (any, error) {
	if seed := arg(args, 0); seed != jsonata.Undefined {
		s, err := truncated("random", seed, 0)
		if err != nil {
			return nil, err
		}
		return rand.New(rand.NewPCG(uint64(int64(s)), 0)).Float64(), nil
	}
	return m.rand.float64(), nil
}

// fnUUID is $uuid(): a version 4 UUID.
func (m *Machine) fnUUID([]any) (any, error) { return m.cfg.uuid(), nil }

// fnParse is $parse(text): the JSON value text holds, which replaces
// JSONata's $eval in Step Functions.
func fnParse(args []any) (any, error) {
	v := arg(args, 0)
	if v == jsonata.Undefined {
		return jsonata.Undefined, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fnError("T0410", "Argument 1 of function $parse must be a string")
	}
	var out any // numbers as float64, the evaluator's own
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fnError("D3140", "$parse: the argument is not valid JSON: %v", err)
	}
	return out, nil
}
