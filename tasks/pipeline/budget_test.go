package pipeline_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stepfold/stepfold/statemachines"
	"github.com/stepfold/stepfold/statemachines/asl"
)

// documentedWorstCase is the longest an execution of the account state
// machine can take, as the definition's Comment and docs/architecture.md
// add it up.
const documentedWorstCase = 267 * time.Second

// TestWorstCaseFitsExpress adds up, from the definition itself, the
// longest path an execution can take when every attempt of every Task
// runs to its TimeoutSeconds and every retry delay is at its cap, and
// checks that it is the documented figure and fits in the five minutes an
// Express execution may run. Past that, AWS would stop an execution in
// the middle of the retries the definition promises, before its command
// reached the dead-letter queue. The one loop, NextRound back to
// Validate, is bounded by the round counter: Init sets it to 1 and the
// Choice that loops compares it with a number this test reads.
func TestWorstCaseFitsExpress(t *testing.T) {
	text, err := statemachines.Files.ReadFile(statemachines.Pipeline)
	if err != nil {
		t.Fatal(err)
	}
	var def graphDef
	if err := json.Unmarshal(text, &def); err != nil {
		t.Fatal(err)
	}
	rounds := roundLimit(t, text)
	secs, err := def.worst(rounds)
	if err != nil {
		t.Fatal(err)
	}
	got := time.Duration(secs * float64(time.Second))
	if got != documentedWorstCase || got > asl.ExpressMaxDuration {
		t.Errorf("worst case %s with %d rounds per branch run, documented %s; an Express execution may run %s", got, rounds, documentedWorstCase, asl.ExpressMaxDuration)
	}
}

// roundLimit reads how many rounds one run of the branch makes at most:
// Init starts $.round at 1, and the one Choice on $.round goes round
// again while it is below the limit.
func roundLimit(t *testing.T, text []byte) int {
	t.Helper()
	var def struct {
		States map[string]struct {
			Parameters struct{ Round int }
		}
	}
	if err := json.Unmarshal(text, &def); err != nil {
		t.Fatal(err)
	}
	if got := def.States["Init"].Parameters.Round; got != 1 {
		t.Fatalf("Init sets round to %d, want 1", got)
	}
	var limits []int
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["Variable"] == "$.round" {
				n, ok := v["NumericLessThan"].(float64)
				if !ok || n != math.Trunc(n) || len(v) != 3 {
					t.Fatalf("a rule on $.round that is not NumericLessThan a whole number: %v", v)
				}
				limits = append(limits, int(n))
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var raw any
	if err := json.Unmarshal(text, &raw); err != nil {
		t.Fatal(err)
	}
	walk(raw)
	if len(limits) != 1 || limits[0] < 1 {
		t.Fatalf("rules on $.round: %v, want one", limits)
	}
	return limits[0]
}

// TestWorstCaseArithmetic checks the adding up on small definitions.
func TestWorstCaseArithmetic(t *testing.T) {
	task := `"Type":"Task","Resource":"r","TimeoutSeconds":3`
	tests := []struct {
		name, def string
		visits    int     // the most times a path may enter one state
		want      float64 // seconds; -1: an error
	}{
		{"one task", `{"StartAt":"A","States":{"A":{` + task + `,"End":true}}}`, 1, 3},
		{"default retrier: 3 retries after 1, 2 and 4 s", `{"StartAt":"A","States":{"A":{` + task + `,"Retry":[{"ErrorEquals":["X"]}],"End":true}}}`, 1, 4*3 + 7},
		{"capped delays", `{"StartAt":"A","States":{"A":{` + task + `,"Retry":[{"ErrorEquals":["X"],"MaxAttempts":4,"MaxDelaySeconds":2}],"End":true}}}`, 1, 5*3 + 1 + 2 + 2 + 2},
		{"two retriers count apart", `{"StartAt":"A","States":{"A":{` + task + `,"Retry":[{"ErrorEquals":["X"],"MaxAttempts":1},{"ErrorEquals":["Y"],"MaxAttempts":1,"IntervalSeconds":5}],"End":true}}}`, 1, 3*3 + 1 + 5},
		{"the longer of a catch and next", `{"StartAt":"A","States":{"A":{` + task + `,"Catch":[{"ErrorEquals":["X"],"Next":"W"}],"Next":"B"},"B":{"Type":"Pass","End":true},"W":{"Type":"Wait","Seconds":10,"End":true}}}`, 1, 13},
		{"choice", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Next":"A"}],"Default":"B"},"A":{` + task + `,"End":true},"B":{"Type":"Succeed"}}}`, 1, 3},
		{"parallel retries its slowest branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Retry":[{"ErrorEquals":["X"],"MaxAttempts":2}],"Branches":[{"StartAt":"A","States":{"A":{` + task + `,"Next":"B"},"B":{` + task + `,"End":true}}},{"StartAt":"C","States":{"C":{` + task + `,"End":true}}}],"End":true}}}`, 1, 3*6 + 1 + 2},
		{"a task without a timeout is unbounded", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true}}}`, 1, -1},
		{"a loop is unbounded", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`, 1, -1},
		{"a loop entered at most twice", `{"StartAt":"A","States":{"A":{` + task + `,"Next":"C"},"C":{"Type":"Choice","Choices":[{"Next":"A"}],"Default":"W"},"W":{"Type":"Wait","Seconds":1,"End":true}}}`, 2, 3 + 3 + 1},
		{"a wait on a path is unbounded", `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var def graphDef
			if err := json.Unmarshal([]byte(tt.def), &def); err != nil {
				t.Fatal(err)
			}
			got, err := def.worst(tt.visits)
			if tt.want < 0 {
				if err == nil {
					t.Fatalf("worst case %v s, want an error", got)
				}
				return
			}
			if err != nil || math.Abs(got-tt.want) > 1e-9 {
				t.Fatalf("worst case %v s, %v; want %v s", got, err, tt.want)
			}
		})
	}
}

// graphDef is what the adding up reads of a state machine or a branch.
type graphDef struct {
	StartAt string
	States  map[string]stateDef
}

type stateDef struct {
	Type                    string
	Next, Default           string
	TimeoutSeconds, Seconds *float64 // a Wait without Seconds waits on a path or a timestamp
	Retry                   []retrierDef
	Catch, Choices          []struct{ Next string }
	Branches                []graphDef
}

type retrierDef struct {
	IntervalSeconds, BackoffRate, MaxDelaySeconds *float64
	MaxAttempts                                   *int
}

// errNoEnd marks a path cut short by the limit on visits: the counter
// that bounds the loop sends the execution elsewhere.
var errNoEnd = errors.New("no end within the visits allowed")

// worst is the longest path from StartAt to an end, in seconds, on which
// no state is entered more than visits times.
func (g graphDef) worst(visits int) (float64, error) {
	d, err := g.from(g.StartAt, map[string]int{}, visits)
	if errors.Is(err, errNoEnd) {
		return 0, fmt.Errorf("a loop through %s: no bound within %d visits", g.StartAt, visits)
	}
	return d, err
}

func (g graphDef) from(name string, entered map[string]int, visits int) (float64, error) {
	st, ok := g.States[name]
	if !ok {
		return 0, fmt.Errorf("no state %q", name)
	}
	if entered[name] == visits {
		return 0, errNoEnd
	}
	entered[name]++
	defer func() { entered[name]-- }()
	own, err := st.cost(visits)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	next := st.successors()
	if len(next) == 0 {
		return own, nil
	}
	longest, ended := 0.0, false
	for _, n := range next {
		d, err := g.from(n, entered, visits)
		if errors.Is(err, errNoEnd) {
			continue
		}
		if err != nil {
			return 0, err
		}
		longest, ended = max(longest, d), true
	}
	if !ended {
		return 0, errNoEnd
	}
	return own + longest, nil
}

func (s stateDef) successors() []string {
	var out []string
	for _, n := range append([]string{s.Next, s.Default}, s.targets()...) {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

func (s stateDef) targets() []string {
	var out []string
	for _, c := range append(s.Catch, s.Choices...) {
		out = append(out, c.Next)
	}
	return out
}

// cost is the longest the state itself can take: every attempt to its
// end, every retry delay at its cap.
func (s stateDef) cost(visits int) (float64, error) {
	switch s.Type {
	case "Pass", "Choice", "Succeed", "Fail":
		return 0, nil
	case "Wait":
		if s.Seconds == nil {
			return 0, fmt.Errorf("a Wait on a path or a timestamp has no bound")
		}
		return *s.Seconds, nil
	case "Task":
		if s.TimeoutSeconds == nil {
			return 0, fmt.Errorf("a Task without TimeoutSeconds has no bound")
		}
		return s.retried(*s.TimeoutSeconds), nil
	case "Parallel":
		attempt := 0.0
		for _, b := range s.Branches {
			d, err := b.worst(visits)
			if err != nil {
				return 0, err
			}
			attempt = max(attempt, d)
		}
		return s.retried(attempt), nil
	}
	return 0, fmt.Errorf("cannot bound a %s state", s.Type)
}

// retried is attempt run once and once more per retry of every retrier,
// each retrier's counter apart, plus the capped delays before the retries.
func (s stateDef) retried(attempt float64) float64 {
	total := attempt
	for _, r := range s.Retry {
		interval, rate, attempts := orDefault(r.IntervalSeconds, 1), orDefault(r.BackoffRate, 2), 3
		if r.MaxAttempts != nil {
			attempts = *r.MaxAttempts
		}
		for i := range attempts {
			delay := interval * math.Pow(rate, float64(i))
			if r.MaxDelaySeconds != nil {
				delay = min(delay, *r.MaxDelaySeconds)
			}
			total += attempt + delay
		}
	}
	return total
}

func orDefault(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}
