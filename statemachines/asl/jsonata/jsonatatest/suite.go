// Package jsonatatest reads the JSONata reference test suite (the
// language-neutral cases of jsonata-js) and judges an implementation's
// outcome of each case the way the reference runner does. The package's own
// tests and the measurement of other Go implementations share it.
package jsonatatest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Case is one case of the suite.
type Case struct {
	Name     string         // "group/case000" or "group/file[3]" for one of an array of cases
	Expr     string         // the expression (read from expr-file where the case names one)
	Input    any            // the input document; meaningless when NoInput
	NoInput  bool           // the input is JSONata's undefined ("dataset": null)
	Bindings map[string]any // variables to bind, names without '$'

	// The same as JSON texts, for implementations that decode JSON their
	// own way (to keep member order, say). RawExpr is the expression as a
	// JSON string literal.
	RawExpr     json.RawMessage
	RawInput    json.RawMessage
	RawBindings json.RawMessage

	Result    any            // the expected value, when HasResult
	HasResult bool           // the case expects a value
	Undefined bool           // the case expects no value
	Code      string         // the case expects an error with this code
	Token     string         // and, when not empty, pointing at this token
	ErrorWant map[string]any // the case expects an error with these members
	TimeLimit time.Duration  // with Depth, the box to run the case in; zero when none
	Depth     int            // the evaluation depth limit; zero when none
	raw       map[string]any // the case as stored
	group     string
}

// Group is the case's group folder name.
func (c *Case) Group() string { return c.group }

// Outcome is what an implementation produced for a case: a value, nothing
// (Undefined), or an error with a JSONata code, token and message.
type Outcome struct {
	Value     any
	Undefined bool
	Err       error
	Code      string
	Token     string
	Message   string
	Fields    map[string]any // other members of the error, such as value
}

// Load reads every case under dir (the suite's folder, holding groups/ and
// datasets/), sorted by name.
func Load(dir string) ([]Case, error) {
	datasets, err := loadDatasets(filepath.Join(dir, "datasets"))
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "groups", "*", "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("jsonatatest: no cases under %s", dir)
	}
	sort.Strings(files)
	var cases []Case
	for _, f := range files {
		cs, err := loadFile(f, datasets)
		if err != nil {
			return nil, err
		}
		cases = append(cases, cs...)
	}
	return cases, nil
}

func loadDatasets(dir string) (map[string]json.RawMessage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(files))
	for _, f := range files {
		var v json.RawMessage
		if err := readJSON(f, &v); err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = v
	}
	return out, nil
}

func readJSON(file string, v any) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("jsonatatest: %s: %w", file, err)
	}
	return nil
}

func loadFile(file string, datasets map[string]json.RawMessage) ([]Case, error) {
	var v json.RawMessage
	if err := readJSON(file, &v); err != nil {
		return nil, err
	}
	group := filepath.Base(filepath.Dir(file))
	base := group + "/" + strings.TrimSuffix(filepath.Base(file), ".json")
	var list []json.RawMessage
	isList := bytes.HasPrefix(bytes.TrimSpace(v), []byte("["))
	if isList {
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, err
		}
	} else {
		list = []json.RawMessage{v}
	}
	cases := make([]Case, 0, len(list))
	for i, item := range list {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(item, &m); err != nil {
			return nil, fmt.Errorf("jsonatatest: %s: case %d is not an object", file, i)
		}
		name := base
		if isList {
			name = fmt.Sprintf("%s[%d]", base, i)
		}
		c, err := newCase(name, filepath.Dir(file), m, datasets)
		if err != nil {
			return nil, fmt.Errorf("jsonatatest: %s: %w", name, err)
		}
		c.group = group
		cases = append(cases, c)
	}
	return cases, nil
}

func newCase(name, dir string, m map[string]json.RawMessage, datasets map[string]json.RawMessage) (Case, error) {
	c := Case{Name: name}
	get := func(k string, v any) bool {
		raw, ok := m[k]
		return ok && json.Unmarshal(raw, v) == nil
	}
	get("expr", &c.Expr)
	c.RawExpr = m["expr"]
	var file string
	if get("expr-file", &file) {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return c, err
		}
		c.Expr = string(b)
		c.RawExpr, _ = json.Marshal(c.Expr)
	}
	var dataset *string
	switch {
	case m["data"] != nil:
		c.RawInput = m["data"]
	case get("dataset", &dataset) && dataset != nil:
		d, found := datasets[*dataset]
		if !found {
			return c, fmt.Errorf("unknown dataset %q", *dataset)
		}
		c.RawInput = d
	default:
		c.NoInput = true
	}
	if !c.NoInput {
		if err := json.Unmarshal(c.RawInput, &c.Input); err != nil {
			return c, err
		}
	}
	get("bindings", &c.Bindings)
	c.RawBindings = m["bindings"]
	if raw, ok := m["result"]; ok {
		c.HasResult = json.Unmarshal(raw, &c.Result) == nil
	}
	get("undefinedResult", &c.Undefined)
	get("code", &c.Code)
	get("token", &c.Token)
	get("error", &c.ErrorWant)
	var tl, depth float64
	if get("timelimit", &tl) {
		c.TimeLimit = time.Duration(tl) * time.Millisecond
	}
	if get("depth", &depth) {
		c.Depth = int(depth)
	}
	if !c.HasResult && !c.Undefined && c.Code == "" && c.ErrorWant == nil {
		return c, errors.New("no expected outcome")
	}
	return c, nil
}

// Check judges an outcome: nil when it is what the case expects, otherwise
// an error that says how it differs.
func (c *Case) Check(o Outcome) error {
	switch {
	case c.Code != "" || c.ErrorWant != nil:
		return c.checkError(o)
	case o.Err != nil:
		return fmt.Errorf("unexpected error: %v", o.Err)
	case c.Undefined:
		if !o.Undefined {
			return fmt.Errorf("want undefined, got %s", show(o.Value))
		}
		return nil
	case o.Undefined:
		return fmt.Errorf("want %s, got undefined", show(c.Result))
	}
	got, err := normalize(o.Value)
	if err != nil {
		return fmt.Errorf("result %v is not JSON: %v", o.Value, err)
	}
	if !reflect.DeepEqual(got, c.Result) {
		return fmt.Errorf("want %s, got %s", show(c.Result), show(got))
	}
	return nil
}

func (c *Case) checkError(o Outcome) error {
	want := map[string]any{}
	for k, v := range c.ErrorWant {
		want[k] = v
	}
	if c.Code != "" {
		want["code"] = c.Code
	}
	if c.Token != "" {
		want["token"] = c.Token
	}
	if o.Err == nil {
		if o.Undefined {
			return fmt.Errorf("want error %v, got undefined", want)
		}
		return fmt.Errorf("want error %v, got %s", want, show(o.Value))
	}
	got := map[string]any{"code": o.Code, "token": o.Token, "message": o.Message}
	for k, v := range o.Fields {
		got[k] = v
	}
	for k, v := range want {
		g := got[k]
		if s, ok := g.(string); ok {
			// a lone surrogate cannot survive encoding/json's decoding of
			// the expected value; compare both as encoding/json sees them
			g = strings.ToValidUTF8(s, "\uFFFD")
		}
		g, err := normalize(g)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(g, v) {
			return fmt.Errorf("want error %s %s, got %s (%v)", k, show(v), show(g), o.Err)
		}
	}
	return nil
}

// normalize turns a result into what encoding/json decodes its JSON text
// to, so that Go-specific number and container types compare equal.
func normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
