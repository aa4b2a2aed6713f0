package stack

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stepfold/stepfold/infra/internal/cfntest"
	"github.com/stepfold/stepfold/infra/service"
)

// built is a synthesized StepfoldStack.
type built struct {
	*cfntest.Template
	stack *Stack
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

// build synthesizes StepfoldStack with a fake bootstrap per domain in
// lambdaDir (each a different file, so each domain's functions deploy an
// asset of their own) and the configuration changed by edit.
func build(t *testing.T, lambdaDir string, edit func(*Config)) (*built, error) {
	t.Helper()
	for _, d := range Domains() {
		dir := cfntest.FakeBootstrap(t, filepath.Join(lambdaDir, d.Props.Info.Name))
		if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("bootstrap of "+d.Props.Info.Name), 0o755); err != nil {
			return nil, err
		}
	}
	app := cfntest.App(t, filepath.Join("..", ".."))
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
	service.ApplyNag(app)
	tmpl, err := cfntest.Synth(s.Stack)
	if err != nil {
		return nil, err
	}
	return &built{Template: tmpl, stack: s}, nil
}

// services returns the stack's services, checking that both domains are
// there: every per-domain test runs for each.
func (b *built) services(t *testing.T) []*service.Service {
	t.Helper()
	if b.stack.Service("account") == nil || b.stack.Service("inventory") == nil || len(b.stack.Services) != 2 {
		t.Fatalf("the stack deploys %d services; want account and inventory", len(b.stack.Services))
	}
	return b.stack.Services
}

// Shorter names for the helpers every test uses.
var (
	getAtt      = cfntest.GetAtt
	ref         = cfntest.Ref
	jsonEqual   = cfntest.JSONEqual
	mustJSON    = cfntest.MustJSON
	asList      = cfntest.AsList
	actionsOf   = cfntest.ActionsOf
	resourcesOf = cfntest.ResourcesOf
	setOf       = cfntest.SetOf
)

func keys[V any](m map[string]V) []string { return cfntest.Keys(m) }

func parseJSON(t *testing.T, s string) any {
	t.Helper()
	return cfntest.ParseJSON(t, s)
}
