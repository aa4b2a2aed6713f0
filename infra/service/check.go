package service

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/rules"
	"github.com/stepfold/stepfold/tasks"
)

// The names that go into mapping templates, URL paths and construct ids.
// Each is narrower than what AWS accepts, so that no name can end a VTL
// string or reference, or add a path segment.
var (
	domainName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)    // events.Info.Name, a subscriber's task
	pathPart   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`) // a collection or route path
	member     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)       // a command type, field or stream key
	errorName  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]*$`)    // an error code
)

// reserved are the command members that a route sets itself.
var reserved = []string{"type", "commandId", "correlationId"}

func checkInfo(info events.Info) error {
	if !domainName.MatchString(info.Name) {
		return fmt.Errorf("domain name %q must be 1 to 32 lowercase letters, digits or '-'", info.Name)
	}
	if info.Source == "" {
		return fmt.Errorf("the domain has no event source")
	}
	if err := checkRoutes(info); err != nil {
		return err
	}
	for _, s := range statusTable(info) {
		for _, c := range s.Codes {
			if !errorName.MatchString(string(c)) {
				return fmt.Errorf("error code %q must be a letter, then letters, digits, '.', '_' or '-'", c)
			}
		}
		if s.Status < 400 || s.Status > 599 {
			return fmt.Errorf("error codes %v map to status %d, which is no HTTP error", s.Codes, s.Status)
		}
	}
	return nil
}

func checkRoutes(info events.Info) error {
	r := info.Routes
	if !pathPart.MatchString(httpapi.Collection(info)) {
		return fmt.Errorf("collection %q is not one URL path segment", httpapi.Collection(info))
	}
	if !member.MatchString(r.CommandStreamKey) {
		return fmt.Errorf("the routes' CommandStreamKey %q must be letters and digits, starting with a letter", r.CommandStreamKey)
	}
	fields := append(slices.Clone(reserved), r.CommandStreamKey)
	for _, f := range r.Fields {
		switch {
		case !member.MatchString(f):
			return fmt.Errorf("field %q must be letters and digits, starting with a letter", f)
		case slices.Contains(fields, f):
			return fmt.Errorf("field %q is listed twice, or is one the route sets itself (%v and the stream key)", f, reserved)
		}
		fields = append(fields, f)
	}
	paths := map[string]bool{}
	for _, c := range httpapi.CommandRoutes(info) {
		switch {
		case c.Path != "" && !pathPart.MatchString(c.Path):
			return fmt.Errorf("route path %q is not one URL path segment", c.Path)
		case c.Path == "events":
			return fmt.Errorf("route path %q is the read of the log", c.Path)
		case paths[c.Path]:
			return fmt.Errorf("two command routes have the path %q", c.Path)
		case c.Command != "" && !member.MatchString(c.Command):
			return fmt.Errorf("command type %q must be letters and digits, starting with a letter", c.Command)
		case c.Status != 0 && (c.Status < 200 || c.Status > 299):
			return fmt.Errorf("route %q answers status %d, which is no success", c.Path, c.Status)
		}
		paths[c.Path] = true
	}
	return nil
}

// checkDefinition requires the definition's placeholders to be exactly the
// substitutions New provides.
func checkDefinition(def string) error {
	got, want := placeholders(def), substitutionKeys()
	if !slices.Equal(got, want) {
		return fmt.Errorf("definition placeholders %v are not the substitutions %v", got, want)
	}
	return nil
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)\}`)

// placeholders returns the ${...} names of def, sorted, each once.
func placeholders(def string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(def, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// substitutionKeys are the task table's substitutions and the dead-letter
// queue's, sorted.
func substitutionKeys() []string {
	out := []string{tasks.DeadLetterSubstitution}
	for _, s := range tasks.Steps() {
		if s.Substitution != "" {
			out = append(out, s.Substitution)
		}
	}
	slices.Sort(out)
	return out
}

// checkFieldTypes requires every typed field to be one a route takes.
func checkFieldTypes(p Props) error {
	for f := range p.FieldTypes {
		if !slices.Contains(p.Info.Routes.Fields, f) {
			return fmt.Errorf("Props.FieldTypes types %q, which is not one of the routes' fields %v", f, p.Info.Routes.Fields)
		}
	}
	return nil
}

func checkSubscribers(subs []Subscriber) error {
	seen := map[string]bool{}
	for _, s := range tasks.Steps() {
		seen[s.Name] = true
	}
	for _, s := range subs {
		switch {
		case !domainName.MatchString(s.Task):
			return fmt.Errorf("subscriber task %q must be 1 to 32 lowercase letters, digits or '-'", s.Task)
		case seen[s.Task]:
			return fmt.Errorf("subscriber task %q is listed twice or is a step of the pipeline", s.Task)
		}
		seen[s.Task] = true
	}
	return nil
}

// entry is one rule of the domain's rules file, with its decoded pattern
// and its target's retry policy.
type entry struct {
	rules.Rule
	pattern map[string]any
	retry   rules.Retry
}

// checkRules parses the domain's rules file and requires every pattern to
// be a JSON object, every target to have a mapping (a subscriber or an
// archive) and every subscriber to be the target of a rule.
func checkRules(p Props) ([]entry, error) {
	set, err := rules.Parse(p.Info.Rules)
	if err != nil {
		return nil, err
	}
	if set.Source != p.Info.Source {
		return nil, fmt.Errorf("the rules file is for source %q, the domain's is %q", set.Source, p.Info.Source)
	}
	var out []entry
	used := map[string]bool{}
	for _, r := range set.Rules {
		if err := checkTarget(p, set, r); err != nil {
			return nil, err
		}
		var pattern map[string]any
		if err := json.Unmarshal(r.EventPattern, &pattern); err != nil {
			return nil, fmt.Errorf("rule %q: event pattern: %w", r.Name, err)
		}
		used[r.Target] = true
		out = append(out, entry{Rule: r, pattern: pattern, retry: set.Retry(r.Target)})
	}
	for name, t := range set.Targets {
		if set.IsArchive(name) && t.RetryPolicy != nil {
			return nil, fmt.Errorf("target %q is an archive, which takes no retry policy", name)
		}
	}
	for _, s := range p.Subscribers {
		if !used[s.Task] {
			return nil, fmt.Errorf("subscriber %q is the target of no rule", s.Task)
		}
	}
	return out, nil
}

func checkTarget(p Props, set rules.Set, r rules.Rule) error {
	_, sub := subscriber(p, r.Target)
	archived := set.IsArchive(r.Target)
	switch {
	case !sub && !archived:
		return fmt.Errorf("rule %q: target %q has no AWS mapping (want a subscriber or one of the archives %v)", r.Name, r.Target, set.Archives())
	case sub && archived:
		return fmt.Errorf("rule %q: target %q is both a subscriber and an archive", r.Name, r.Target)
	}
	return nil
}

// subscriber returns the subscriber whose task is target.
func subscriber(p Props, target string) (Subscriber, bool) {
	for _, s := range p.Subscribers {
		if s.Task == target {
			return s, true
		}
	}
	return Subscriber{}, false
}
