package eventbus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"quamina.net/go/quamina"

	"github.com/stepfold/stepfold/events"
)

// Rule routes the events that match Pattern to the target named Target.
type Rule struct {
	Name string
	// Pattern is an EventBridge event pattern.
	Pattern []byte
	Target  string
}

// supported lists the pattern operators that both EventBridge and quamina
// implement. quamina also knows shellstyle, which EventBridge does not.
var supported = []string{"prefix", "anything-but", "exists", "wildcard", "equals-ignore-case"}

// matcher matches bus events against the rules' patterns. A quamina
// instance may not match in two goroutines at once, so each match takes a
// copy from a pool; copies share the compiled patterns.
type matcher struct {
	mu   sync.Mutex // guards base.Copy
	base *quamina.Quamina
	pool sync.Pool
}

// newMatcher checks every rule's pattern and compiles them all. Errors are
// InvalidArgument and name the rule.
func newMatcher(rules []Rule) (*matcher, error) {
	q, err := quamina.New()
	if err != nil {
		return nil, events.Wrap(events.CodeInternal, err, "localbus: quamina")
	}
	for _, r := range rules {
		if err := checkPattern(r.Pattern); err != nil {
			return nil, events.Wrap(events.CodeInvalidArgument, err, fmt.Sprintf("localbus: rule %q has an unusable pattern", r.Name))
		}
		if err := q.AddPattern(r.Name, string(r.Pattern)); err != nil {
			return nil, events.Wrap(events.CodeInvalidArgument, err, fmt.Sprintf("localbus: rule %q: quamina rejects its pattern", r.Name))
		}
	}
	m := &matcher{base: q}
	m.pool.New = m.copy
	return m, nil
}

func (m *matcher) copy() any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.base.Copy()
}

// match returns the names of the rules that event matches, in sorted order.
// It is safe for concurrent use.
func (m *matcher) match(event []byte) ([]string, error) {
	q := m.pool.Get().(*quamina.Quamina)
	xs, err := q.MatchesForEvent(event)
	m.pool.Put(q)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(xs))
	for _, x := range xs {
		names = append(names, x.(string))
	}
	slices.Sort(names)
	return names, nil
}

// checkPattern rejects what quamina would accept but silently never match,
// and what EventBridge and quamina do not both support.
func checkPattern(p []byte) error {
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("a pattern must be a JSON object")
	}
	return checkObject("", obj)
}

func checkObject(path string, obj map[string]any) error {
	if len(obj) == 0 {
		return fmt.Errorf("%s: an empty object matches nothing", where(path))
	}
	for k, v := range obj {
		if err := checkMember(path+"/"+k, k, v); err != nil {
			return err
		}
	}
	return nil
}

func checkMember(path, key string, v any) error {
	if key == "$or" {
		return fmt.Errorf("%s: $or is not supported by quamina", path)
	}
	switch v := v.(type) {
	case map[string]any:
		return checkObject(path, v)
	case []any:
		return checkValues(path, v)
	}
	return fmt.Errorf("%s: a value must be an array or an object", path)
}

func checkValues(path string, vals []any) error {
	if len(vals) == 0 {
		return fmt.Errorf("%s: an empty array matches nothing", path)
	}
	for _, v := range vals {
		if err := checkValue(path, v); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(path string, v any) error {
	switch v := v.(type) {
	case []any:
		return fmt.Errorf("%s: arrays cannot nest", path)
	case map[string]any:
		return checkOperator(path, v)
	}
	return nil
}

func checkOperator(path string, op map[string]any) error {
	if len(op) != 1 {
		return fmt.Errorf("%s: an operator object needs exactly one operator", path)
	}
	for name, arg := range op {
		if !slices.Contains(supported, name) {
			return fmt.Errorf("%s: operator %q is not supported (use one of %v)", path, name, supported)
		}
		if list, ok := arg.([]any); ok && name == "anything-but" && len(list) == 0 {
			return fmt.Errorf("%s: anything-but needs at least one value", path)
		}
	}
	return nil
}

func where(path string) string {
	if path == "" {
		return "the pattern"
	}
	return path
}
