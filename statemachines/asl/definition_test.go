package asl

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readFixture reads a file under testdata.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseRejects(t *testing.T) {
	var cases []struct {
		Name       string          `json:"name"`
		Want       string          `json:"want"`
		Location   string          `json:"location"`
		Definition json.RawMessage `json:"definition"`
	}
	if err := json.Unmarshal(readFixture(t, "invalid_definitions.json"), &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			_, err := Parse(c.Definition, nil)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Parse() error = %v, want a *LoadError", err)
			}
			for _, p := range le.Problems {
				if p.Location == c.Location && strings.Contains(p.Message, c.Want) {
					return
				}
			}
			t.Errorf("problems %v lack %q at %s", le.Problems, c.Want, c.Location)
		})
	}
}

func TestParseSubstitutions(t *testing.T) {
	def := []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"${Greeting}","End":true}}}`)
	tests := []struct {
		name    string
		subs    map[string]string
		wantOut string
		wantErr string
	}{
		{"substituted", map[string]string{"Greeting": "hello"}, `"hello"`, ""},
		{"missing key", map[string]string{"Other": "x"}, "", "no value for definition substitution ${Greeting}"},
		{"no substitutions leaves text", nil, `"${Greeting}"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(def, tt.subs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ex := runSync(t, d, `{}`)
			if got := deref(ex.Output); got != tt.wantOut {
				t.Errorf("output = %s, want %s", got, tt.wantOut)
			}
		})
	}
}

func TestParseNotJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `[]`, `{"StartAt":"A","States":{}} trailing`} {
		if _, err := Parse([]byte(in), nil); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"log-*.txt", "log-2024.txt", true},
		{"log-*.txt", "log-2024.csv", false},
		{"*", "", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXcYYb", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "aXb", false},
		{`a\\b`, `a\b`, true},
		{"*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 200), false},
		{"", "", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
