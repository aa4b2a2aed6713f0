// Package cfntest reads a synthesized CloudFormation template for the
// infra tests: its resources by type and logical id, the policy statements
// of a role, and the JSON forms of references, compared by their encoding.
package cfntest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
)

// Template is a synthesized stack and its template as plain JSON.
type Template struct {
	Stack      awscdk.Stack
	Assertions assertions.Template
	JSON       map[string]any
}

// Synth synthesizes s.
func Synth(s awscdk.Stack) (*Template, error) {
	tmpl := assertions.Template_FromStack(s, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		return nil, err
	}
	b := &Template{Stack: s, Assertions: tmpl}
	return b, json.Unmarshal(raw, &b.JSON)
}

// Resources returns the template's resources of type typ, by logical id.
func (b *Template) Resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range b.JSON["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// Props returns the Properties of the resource with the logical id.
func (b *Template) Props(t *testing.T, id string) map[string]any {
	t.Helper()
	r, ok := b.JSON["Resources"].(map[string]any)[id].(map[string]any)
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	return r["Properties"].(map[string]any)
}

// ID returns the logical id of c's CloudFormation resource, an
// overridden one included.
func (b *Template) ID(c constructs.IConstruct) string {
	el, ok := c.Node().DefaultChild().(awscdk.CfnElement)
	if !ok {
		el = c.(awscdk.CfnElement)
	}
	switch id := b.Stack.Resolve(el.LogicalId()).(type) {
	case string:
		return id
	case *string:
		return *id
	}
	return *b.Stack.GetLogicalId(el)
}

// PolicyStatements returns the statements of every AWS::IAM::Policy
// attached to the role with the logical id; it fails the test if there is
// none.
func (b *Template) PolicyStatements(t *testing.T, role string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range b.Resources("AWS::IAM::Policy") {
		p := r["Properties"].(map[string]any)
		if !JSONEqual(p["Roles"], []any{Ref(role)}) {
			continue
		}
		for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	if len(out) == 0 {
		t.Fatalf("role %s has no policy statements", role)
	}
	return out
}

// GetAtt and Ref are the template forms of a reference to a resource.
func GetAtt(id, attr string) any { return map[string]any{"Fn::GetAtt": []any{id, attr}} }

// Ref is the template form of a Ref to a resource.
func Ref(id string) any { return map[string]any{"Ref": id} }

// JSONEqual compares two values by their JSON encoding.
func JSONEqual(a, b any) bool { return MustJSON(a) == MustJSON(b) }

// MustJSON encodes v, which the tests build from JSON, so it always encodes.
func MustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ParseJSON decodes s, failing the test if it is not JSON.
func ParseJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("parse JSON: %v\n%s", err, s)
	}
	return v
}

// AsList returns v as a list, wrapping a single value.
func AsList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// ActionsOf returns a statement's actions, sorted.
func ActionsOf(s map[string]any) []string {
	var out []string
	for _, a := range AsList(s["Action"]) {
		out = append(out, a.(string))
	}
	sort.Strings(out)
	return out
}

// ResourcesOf returns a statement's resources as sorted JSON, so they
// compare as a set.
func ResourcesOf(s map[string]any) []string {
	var out []string
	for _, r := range AsList(s["Resource"]) {
		out = append(out, MustJSON(r))
	}
	sort.Strings(out)
	return out
}

// Keys returns the keys of m, sorted.
func Keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SetOf returns the set of ss.
func SetOf(ss ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// App returns an app with the "context" of the repository's cdk.json, so
// that a test builds with the same feature flags as `cdk synth`. root is
// the path from the test's directory to the repository root.
func App(t *testing.T, root string) awscdk.App {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		t.Fatalf("read cdk.json: %v", err)
	}
	var f struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &f.Context})
}

// FakeBootstrap writes a stand-in for a Lambda bootstrap into dir, which
// is all the synthesis reads of it, and returns dir.
func FakeBootstrap(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("not a real binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
