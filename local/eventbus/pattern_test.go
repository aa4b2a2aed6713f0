package eventbus

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/events"
)

func TestRealRulesRouteByEventType(t *testing.T) {
	const notify, archive = "notify-account-activity", "archive-all-events"
	tests := []struct {
		typ  string
		want []string
	}{
		{"AccountOpened", []string{archive}},
		{"FundsDeposited", []string{archive}},
		{"FundsWithdrawn", []string{archive, notify}},
		{"TransactionReversed", []string{archive, notify}},
		{"AccountClosed", []string{archive, notify}},
	}
	m, err := newMatcher(realRules(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			data, err := (&Bus{cfg: config{source: bankSource}}).encode(event(1, tt.typ, `{}`), t0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.match(data)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("match = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRealRulesIgnoreOtherSources(t *testing.T) {
	m, err := newMatcher(realRules(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := (&Bus{cfg: config{source: "someone.else"}}).encode(event(1, "FundsWithdrawn", `{}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := m.match(data); err != nil || len(got) != 0 {
		t.Errorf("match = %v, %v; want none", got, err)
	}
}

func TestNewRejectsBadPatterns(t *testing.T) {
	tests := map[string]string{
		"not JSON":             `{"source":`,
		"not an object":        `["stepfold.accounts"]`,
		"empty pattern":        `{}`,
		"empty array":          `{"source":[]}`,
		"empty nested object":  `{"detail":{}}`,
		"bare string value":    `{"source":"stepfold.accounts"}`,
		"suffix":               `{"source":[{"suffix":".accounts"}]}`,
		"numeric":              `{"detail":{"version":[{"numeric":[">",1]}]}}`,
		"cidr":                 `{"source":[{"cidr":"10.0.0.0/8"}]}`,
		"$or":                  `{"$or":[{"source":["a"]},{"source":["b"]}]}`,
		"shellstyle":           `{"source":[{"shellstyle":"stepfold.*"}]}`,
		"anything-but string":  `{"source":[{"anything-but":"x"}]}`,
		"anything-but empty":   `{"source":[{"anything-but":[]}]}`,
		"two operators":        `{"source":[{"prefix":"a","exists":true}]}`,
		"nested arrays":        `{"source":[["a"]]}`,
		"prefix not a string":  `{"source":[{"prefix":1}]}`,
		"exists not a boolean": `{"source":[{"exists":"yes"}]}`,
	}
	for name, pattern := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(t.TempDir(), []Rule{{Name: "bad-rule", Pattern: []byte(pattern), Target: "t"}},
				WithTarget("t", Func(func(context.Context, []byte) error { return nil }), &memDLQ{}))
			if !errors.Is(err, events.ErrInvalidArgument) || !strings.Contains(err.Error(), `"bad-rule"`) {
				t.Errorf("New = %v; want InvalidArgument naming the rule", err)
			}
		})
	}
}

func TestNewAcceptsSupportedPatterns(t *testing.T) {
	patterns := []string{
		`{"source":["stepfold.accounts"]}`,
		`{"detail-type":[{"prefix":"Funds"}]}`,
		`{"detail-type":[{"anything-but":["FundsDeposited"]}]}`,
		`{"detail":{"correlationId":[{"exists":true}]}}`,
		`{"detail-type":[{"wildcard":"*Withdrawn"}]}`,
		`{"detail-type":[{"equals-ignore-case":"fundswithdrawn"}]}`,
		`{"detail":{"data":{"amount":[1234]}}}`,
	}
	var rs []Rule
	for i, p := range patterns {
		rs = append(rs, Rule{Name: string(rune('a' + i)), Pattern: []byte(p), Target: "t"})
	}
	m, err := newMatcher(rs)
	if err != nil {
		t.Fatal(err)
	}
	data, err := (&Bus{cfg: config{source: bankSource}}).encode(event(3, "FundsWithdrawn", `{"amount":1234}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.match(data)
	want := []string{"a", "b", "c", "e", "f", "g"} // no correlationId, so d does not match
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("match = %v, %v; want %v", got, err, want)
	}
}

func TestNewRejectsBadWiring(t *testing.T) {
	ok := Func(func(context.Context, []byte) error { return nil })
	p := []byte(`{"source":["x"]}`)
	tests := map[string]struct {
		rules []Rule
		opts  []Option
	}{
		"unnamed rule":     {[]Rule{{Pattern: p, Target: "t"}}, []Option{WithTarget("t", ok, &memDLQ{})}},
		"duplicate rule":   {[]Rule{{Name: "r", Pattern: p, Target: "t"}, {Name: "r", Pattern: p, Target: "t"}}, []Option{WithTarget("t", ok, &memDLQ{})}},
		"missing target":   {[]Rule{{Name: "r", Pattern: p, Target: "nobody"}}, []Option{WithTarget("t", ok, &memDLQ{})}},
		"no dead letters":  {nil, []Option{WithTarget("t", ok, nil)}},
		"duplicate target": {nil, []Option{WithTarget("t", ok, &memDLQ{}), WithTarget("t", ok, &memDLQ{})}},
		"zero attempts":    {nil, []Option{WithRetry(Retry{Initial: 1, Max: 1, MaxAge: 1})}},
		"unknown retry":    {nil, []Option{WithTargetRetry("t", DefaultRetry())}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New(t.TempDir(), tt.rules, tt.opts...); !errors.Is(err, events.ErrInvalidArgument) {
				t.Errorf("New = %v; want InvalidArgument", err)
			}
		})
	}
}
