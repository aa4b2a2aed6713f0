package stack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/constructs-go/constructs/v10"
)

// built is a synthesized stack and its template as plain JSON.
type built struct {
	stack    *Stack
	template assertions.Template
	json     map[string]any
}

var (
	defaultOnce  sync.Once
	defaultBuilt *built
	defaultErr   error
)

// defaultStack builds, once per test binary, the stack from the default
// configuration and the root cdk.json context, with cdk-nag applied as the
// app applies it.
func defaultStack(t *testing.T) *built {
	t.Helper()
	defaultOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stepfold-infra-lambda")
		if err != nil {
			defaultErr = err
			return
		}
		defaultBuilt, defaultErr = build(t, dir, nil)
	})
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultBuilt
}

// build synthesizes StepfoldStack with a fake bootstrap in lambdaDir and
// the configuration changed by edit.
func build(t *testing.T, lambdaDir string, edit func(*Config)) (*built, error) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(lambdaDir, "bootstrap"), []byte("not a real binary"), 0o755); err != nil {
		return nil, err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: cdkContext(t)})
	cfg, err := ConfigFromContext(app)
	if err != nil {
		return nil, err
	}
	cfg.LambdaDir = lambdaDir
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(app, "StepfoldStack", nil, cfg)
	if err != nil {
		return nil, err
	}
	ApplyNag(app)
	tmpl := assertions.Template_FromStack(s.Stack, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		return nil, err
	}
	b := &built{stack: s, template: tmpl}
	return b, json.Unmarshal(raw, &b.json)
}

// cdkContext is the "context" of the root cdk.json, so the tests build
// with the same feature flags as `cdk synth`.
func cdkContext(t *testing.T) *map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "cdk.json"))
	if err != nil {
		t.Fatalf("read cdk.json: %v", err)
	}
	var f struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	return &f.Context
}

// resources returns the template's resources of type typ, by logical id.
func (b *built) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range b.json["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// props returns the Properties of the resource with the logical id.
func (b *built) props(t *testing.T, id string) map[string]any {
	t.Helper()
	r, ok := b.json["Resources"].(map[string]any)[id].(map[string]any)
	if !ok {
		t.Fatalf("no resource %s", id)
	}
	return r["Properties"].(map[string]any)
}

// id returns the logical id of c's CloudFormation resource.
func (b *built) id(c constructs.IConstruct) string {
	el, ok := c.Node().DefaultChild().(awscdk.CfnElement)
	if !ok {
		el = c.(awscdk.CfnElement)
	}
	return *b.stack.GetLogicalId(el)
}

// getAtt and ref are the template forms of a reference to a resource.
func getAtt(id, attr string) any { return map[string]any{"Fn::GetAtt": []any{id, attr}} }
func ref(id string) any          { return map[string]any{"Ref": id} }

// jsonEqual compares two values by their JSON encoding.
func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// asList returns v as a list, wrapping a single value.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}
