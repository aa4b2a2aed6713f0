// Package rules holds the EventBridge rules that route account events to
// their subscribers. The local bus and the CDK stack read the same file, so
// both modes route alike.
package rules

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// File is rules.json, as embedded.
//
//go:embed rules.json
var File []byte

// Set is the decoded rules file.
type Set struct {
	// Source is the EventBridge source of every account event.
	Source string `json:"source"`
	Rules  []Rule `json:"rules"`
}

// Rule routes events that match its pattern to one target.
type Rule struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// EventPattern is an EventBridge event pattern.
	EventPattern json.RawMessage `json:"eventPattern"`
	// Target names the subscriber: "notify" (the notifier), "archive" (the
	// event archive), or a webhook name configured at run time.
	Target string `json:"target"`
}

// Parse decodes and checks a rules file.
func Parse(data []byte) (Set, error) {
	var s Set
	if err := json.Unmarshal(data, &s); err != nil {
		return Set{}, fmt.Errorf("rules: %w", err)
	}
	if s.Source == "" {
		return Set{}, fmt.Errorf("rules: no source")
	}
	seen := map[string]bool{}
	for i, r := range s.Rules {
		if r.Name == "" || r.Target == "" || len(r.EventPattern) == 0 {
			return Set{}, fmt.Errorf("rules: rule %d needs a name, a target and an eventPattern", i)
		}
		if seen[r.Name] {
			return Set{}, fmt.Errorf("rules: rule name %q is used twice", r.Name)
		}
		seen[r.Name] = true
	}
	return s, nil
}

// Default returns the embedded rules.
func Default() (Set, error) { return Parse(File) }
