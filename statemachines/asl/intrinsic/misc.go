package intrinsic

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/stepfold/stepfold/statemachines/asl/internal/jsontype"
)

// maxEncodedInput is the documented limit on Base64Encode, Base64Decode
// and Hash inputs, in characters.
const maxEncodedInput = 10000

func runBase64Encode(_ *evaluator, c *call, args []any) (any, error) {
	s, err := argString(c, args, 0)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(s); n > maxEncodedInput {
		return nil, failf("%s: the input is %d characters long, more than the maximum of %d", c.name, n, maxEncodedInput)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func runBase64Decode(_ *evaluator, c *call, args []any) (any, error) {
	s, err := argString(c, args, 0)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(s); n > maxEncodedInput {
		return nil, failf("%s: the input is %d characters long, more than the maximum of %d", c.name, n, maxEncodedInput)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, failf("%s: the input is not valid base64: %v", c.name, err)
	}
	return string(b), nil
}

// newHash returns the hash AWS calls name, or nil for an unknown name.
func newHash(name string) hash.Hash {
	switch name {
	case "MD5":
		return md5.New()
	case "SHA-1":
		return sha1.New()
	case "SHA-256":
		return sha256.New()
	case "SHA-384":
		return sha512.New384()
	case "SHA-512":
		return sha512.New()
	}
	return nil
}

const hashAlgorithms = "MD5, SHA-1, SHA-256, SHA-384, SHA-512"

// checkHash rejects an unknown literal algorithm at compile time.
func checkHash(c *call) error {
	a := c.args[1]
	if a.kind == argStr && newHash(a.str) == nil {
		return fmt.Errorf("States.Hash: unsupported hash algorithm %q; use one of %s", a.str, hashAlgorithms)
	}
	return nil
}

func runHash(_ *evaluator, c *call, args []any) (any, error) {
	data, err := argString(c, args, 0)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(data); n > maxEncodedInput {
		return nil, failf("%s: the input is %d characters long, more than the maximum of %d", c.name, n, maxEncodedInput)
	}
	alg, err := argString(c, args, 1)
	if err != nil {
		return nil, err
	}
	h := newHash(alg)
	if h == nil {
		return nil, failf("%s: unsupported hash algorithm %q; use one of %s", c.name, alg, hashAlgorithms)
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkJSONMerge rejects a literal deep-merge flag: AWS supports only
// shallow merges.
func checkJSONMerge(c *call) error {
	a := c.args[2]
	if a.kind != argBool && a.kind != argPath && a.kind != argCall {
		return fmt.Errorf("States.JsonMerge: the third argument must be a boolean")
	}
	if a.kind == argBool && a.b {
		return fmt.Errorf("States.JsonMerge: deep merging is not supported; the third argument must be false")
	}
	return nil
}

// runJSONMerge merges two objects shallowly; keys of the second win.
func runJSONMerge(_ *evaluator, c *call, args []any) (any, error) {
	var objs [2]map[string]any
	for i := range objs {
		m, ok := args[i].(map[string]any)
		if !ok {
			return nil, failf("%s: argument %d must be an object, got %s", c.name, i+1, jsontype.Name(args[i]))
		}
		objs[i] = m
	}
	deep, ok := args[2].(bool)
	if !ok {
		return nil, failf("%s: argument 3 must be a boolean, got %s", c.name, jsontype.Name(args[2]))
	}
	if deep {
		return nil, failf("%s: deep merging is not supported; the third argument must be false", c.name)
	}
	out := maps.Clone(objs[0])
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, objs[1])
	return out, nil
}

func runStringToJSON(_ *evaluator, c *call, args []any) (any, error) {
	s, err := argString(c, args, 0)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := decodeJSON(s)
	if err != nil {
		return nil, failf("%s: the input is not valid JSON: %v", c.name, err)
	}
	return v, nil
}

func runJSONToString(_ *evaluator, c *call, args []any) (any, error) {
	s, err := toJSON(args[0])
	if err != nil {
		return nil, failf("%s: %v", c.name, err)
	}
	return s, nil
}

// runMathAdd rounds each operand half up, as AWS does, then adds.
func runMathAdd(_ *evaluator, c *call, args []any) (any, error) {
	var sum int64
	for i := range args {
		n, ok := args[i].(json.Number)
		if !ok {
			return nil, failf("%s: argument %d must be a number, got %s", c.name, i+1, jsontype.Name(args[i]))
		}
		v, ok := roundHalfUp(n)
		if !ok || outOfInt32(v) {
			return nil, failf("%s: argument %d must be between -2147483648 and 2147483647, got %s", c.name, i+1, n)
		}
		sum += v
	}
	return num(sum), nil
}

// runMathRandom returns an integer in [start, end). With a seed the result
// is reproducible.
func runMathRandom(ev *evaluator, c *call, args []any) (any, error) {
	start, err := argTruncInt(c, args, 0)
	if err != nil {
		return nil, err
	}
	end, err := argTruncInt(c, args, 1)
	if err != nil {
		return nil, err
	}
	if start >= end {
		return nil, failf("%s: the start (%d) must be less than the end (%d)", c.name, start, end)
	}
	if len(args) == 3 {
		seed, err := argInt(c, args, 2)
		if err != nil {
			return nil, err
		}
		r := rand.New(rand.NewPCG(uint64(seed), uint64(seed)))
		return num(start + r.Int64N(end-start)), nil
	}
	return num(ev.randInt(start, end)), nil
}

// runStringSplit splits on any of the delimiter's characters and drops
// empty pieces, as AWS does.
func runStringSplit(_ *evaluator, c *call, args []any) (any, error) {
	s, err := argString(c, args, 0)
	if err != nil {
		return nil, err
	}
	delims, err := argString(c, args, 1)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) }) {
		out = append(out, p)
	}
	return out, nil
}

func runUUID(ev *evaluator, _ *call, _ []any) (any, error) {
	return ev.uuid(), nil
}
