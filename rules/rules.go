// Package rules reads a domain's EventBridge rules file: the rules that
// route its events to their subscribers, and each subscriber's retry
// policy. A domain embeds its file (events.Info.Rules); the local bus and
// the CDK construct read the same file, so both modes route and retry
// alike.
package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Set is the decoded rules file.
type Set struct {
	// Source is the EventBridge source of every event of the domain.
	Source string `json:"source"`
	Rules  []Rule `json:"rules"`
	// Targets holds settings by target name. A target that is not listed
	// gets EventBridge's defaults.
	Targets map[string]Target `json:"targets,omitempty"`
}

// Rule routes events that match its pattern to one target.
type Rule struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// EventPattern is an EventBridge event pattern.
	EventPattern json.RawMessage `json:"eventPattern"`
	// Target names the subscriber: an archive (see Target.Archive), a
	// subscriber the domain brings (the bank's "notify"), or a webhook
	// name configured at run time.
	Target string `json:"target"`
}

// Target is the settings of one target.
type Target struct {
	// Archive makes the target an archive of the domain's events: a file
	// locally (<target>.jsonl), an EventBridge archive on AWS. The target
	// named "archive" is one whether or not it is listed.
	Archive bool `json:"archive,omitempty"`
	// RetryPolicy bounds the retries of a delivery to the target, as the
	// RetryPolicy of an EventBridge target does. Omitted fields take
	// EventBridge's defaults.
	RetryPolicy *RetryPolicy `json:"retryPolicy,omitempty"`
}

// RetryPolicy is EventBridge's RetryPolicy of a target, as written in the
// file.
type RetryPolicy struct {
	// MaximumRetryAttempts is how many times a failed delivery is tried
	// again: 0 to 185.
	MaximumRetryAttempts *int `json:"maximumRetryAttempts,omitempty"`
	// MaximumEventAgeInSeconds is how long after it was published an event
	// is still tried: 60 to 86400.
	MaximumEventAgeInSeconds *int `json:"maximumEventAgeInSeconds,omitempty"`
}

// EventBridge's defaults and limits of a RetryPolicy.
const (
	DefaultRetryAttempts = 185
	MaxRetryAttempts     = 185
	DefaultMaxEventAge   = 24 * time.Hour
	MinMaxEventAge       = time.Minute
	MaxMaxEventAge       = 24 * time.Hour
)

// Retry is the retry policy of a target with the defaults applied.
type Retry struct {
	// RetryAttempts is how many times a failed delivery is tried again.
	RetryAttempts int
	// MaxEventAge is how long after it was published an event is tried.
	MaxEventAge time.Duration
}

// Retry returns the retry policy of target.
func (s Set) Retry(target string) Retry {
	r := Retry{RetryAttempts: DefaultRetryAttempts, MaxEventAge: DefaultMaxEventAge}
	p := s.Targets[target].RetryPolicy
	if p == nil {
		return r
	}
	if p.MaximumRetryAttempts != nil {
		r.RetryAttempts = *p.MaximumRetryAttempts
	}
	if p.MaximumEventAgeInSeconds != nil {
		r.MaxEventAge = time.Duration(*p.MaximumEventAgeInSeconds) * time.Second
	}
	return r
}

// Parse decodes and checks a rules file. Unknown fields are errors, so a
// misspelt setting is not silently ignored.
func Parse(data []byte) (Set, error) {
	var s Set
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Set{}, fmt.Errorf("rules: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Set{}, fmt.Errorf("rules: data after the JSON object")
	}
	if err := s.check(); err != nil {
		return Set{}, fmt.Errorf("rules: %w", err)
	}
	return s, nil
}

func (s Set) check() error {
	if s.Source == "" {
		return errors.New("no source")
	}
	seen := map[string]bool{}
	for i, r := range s.Rules {
		if r.Name == "" || r.Target == "" || len(r.EventPattern) == 0 {
			return fmt.Errorf("rule %d needs a name, a target and an eventPattern", i)
		}
		if seen[r.Name] {
			return fmt.Errorf("rule name %q is used twice", r.Name)
		}
		seen[r.Name] = true
	}
	for name, t := range s.Targets {
		if !slices.ContainsFunc(s.Rules, func(r Rule) bool { return r.Target == name }) {
			return fmt.Errorf("targets: %q is the target of no rule", name)
		}
		if err := t.RetryPolicy.check(); err != nil {
			return fmt.Errorf("targets: %q: retryPolicy: %w", name, err)
		}
	}
	return nil
}

func (p *RetryPolicy) check() error {
	if p == nil {
		return nil
	}
	if n := p.MaximumRetryAttempts; n != nil && (*n < 0 || *n > MaxRetryAttempts) {
		return fmt.Errorf("maximumRetryAttempts is %d; EventBridge allows 0 to %d", *n, MaxRetryAttempts)
	}
	lo, hi := int(MinMaxEventAge/time.Second), int(MaxMaxEventAge/time.Second)
	if n := p.MaximumEventAgeInSeconds; n != nil && (*n < lo || *n > hi) {
		return fmt.Errorf("maximumEventAgeInSeconds is %d; EventBridge allows %d to %d", *n, lo, hi)
	}
	return nil
}

// DefaultArchive is the target that is an archive whatever the file says.
const DefaultArchive = "archive"

// IsArchive reports whether the target called name is an archive.
func (s Set) IsArchive(name string) bool {
	return name == DefaultArchive || s.Targets[name].Archive
}

// Archives lists the targets of the rules that are archives, in the order
// the rules name them, each once.
func (s Set) Archives() []string {
	var out []string
	for _, r := range s.Rules {
		if s.IsArchive(r.Target) && !slices.Contains(out, r.Target) {
			out = append(out, r.Target)
		}
	}
	return out
}
