package stack

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestTables(t *testing.T) {
	b := defaultStack(t)
	for _, svc := range b.services(t) {
		for _, tc := range []struct {
			id   string
			keys []any
			attr []any
		}{
			{b.ID(svc.Tables.Events),
				[]any{map[string]any{"AttributeName": "account", "KeyType": "HASH"}, map[string]any{"AttributeName": "version", "KeyType": "RANGE"}},
				[]any{map[string]any{"AttributeName": "account", "AttributeType": "S"}, map[string]any{"AttributeName": "version", "AttributeType": "N"}}},
			{b.ID(svc.Tables.State),
				[]any{map[string]any{"AttributeName": "account", "KeyType": "HASH"}},
				[]any{map[string]any{"AttributeName": "account", "AttributeType": "S"}}},
		} {
			p := b.Props(t, tc.id)
			if !jsonEqual(p["KeySchema"], tc.keys) || !jsonEqual(p["AttributeDefinitions"], tc.attr) {
				t.Errorf("%s: keys %v %v, want %v %v", tc.id, p["KeySchema"], p["AttributeDefinitions"], tc.keys, tc.attr)
			}
			if p["BillingMode"] != "PAY_PER_REQUEST" {
				t.Errorf("%s: BillingMode %v", tc.id, p["BillingMode"])
			}
			if !jsonEqual(p["PointInTimeRecoverySpecification"], map[string]any{"PointInTimeRecoveryEnabled": true}) {
				t.Errorf("%s: PITR %v", tc.id, p["PointInTimeRecoverySpecification"])
			}
			if !jsonEqual(p["SSESpecification"], map[string]any{"SSEEnabled": true}) {
				t.Errorf("%s: SSE %v, want AWS-managed KMS encryption", tc.id, p["SSESpecification"])
			}
		}
	}
	if n := len(b.Resources("AWS::DynamoDB::Table")); n != 4 {
		t.Errorf("%d tables, want 4: two per domain", n)
	}
}

// TestBankKeepsItsLogicalIDs pins the logical ids that the stack gave the
// bank's tables, the bus and the API when the bank was its only domain, so
// that an update of such a stack keeps the accounts, the bus and the URL.
func TestBankKeepsItsLogicalIDs(t *testing.T) {
	b := defaultStack(t)
	bank := b.stack.Service("account")
	for id, c := range map[string]constructs.IConstruct{
		"EventsTableD24865E5": bank.Tables.Events, "StateTable9728C7E5": bank.Tables.State,
		"EventBus7B8748AA": b.stack.Bus, "ApiF70053CD": b.stack.API,
	} {
		if got := b.ID(c); got != id {
			t.Errorf("%s is %s, want %s", *c.Node().Path(), got, id)
		}
	}
}

// TestRemovalPolicy checks the default (retain) and the destroy context on
// every stateful resource.
func TestRemovalPolicy(t *testing.T) {
	destroy, err := build(t, t.TempDir(), func(c *Config) { c.RemovalPolicy = awscdk.RemovalPolicy_DESTROY })
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		b    *built
		want string
	}{{defaultStack(t), "Retain"}, {destroy, "Delete"}} {
		for _, typ := range []string{"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Logs::LogGroup"} {
			for id, r := range tc.b.Resources(typ) {
				if r["DeletionPolicy"] != tc.want {
					t.Errorf("%s: DeletionPolicy %v, want %s", id, r["DeletionPolicy"], tc.want)
				}
			}
		}
	}
}

func TestRemovalPolicyContext(t *testing.T) {
	for v, want := range map[any]awscdk.RemovalPolicy{nil: awscdk.RemovalPolicy_RETAIN, "retain": awscdk.RemovalPolicy_RETAIN, "destroy": awscdk.RemovalPolicy_DESTROY} {
		if got, err := removalPolicy(v); err != nil || got != want {
			t.Errorf("removalPolicy(%v) = %v, %v; want %v", v, got, err, want)
		}
	}
	if _, err := removalPolicy("snapshot"); err == nil {
		t.Error("removalPolicy(snapshot) succeeded; want an error")
	}
}

// TestCheckNeedsEveryBootstrap checks that each domain needs its own
// bootstrap, in build/lambda/<domain>.
func TestCheckNeedsEveryBootstrap(t *testing.T) {
	cfg := DefaultConfig()
	cfg.LambdaDir = t.TempDir()
	if err := cfg.Check(); err == nil {
		t.Fatal("Check passed without a bootstrap")
	}
	write := func(domain string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(cfg.LambdaDir, domain), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfg.LambdaDir, domain, "bootstrap"), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("account")
	if err := cfg.Check(); err == nil {
		t.Fatal("Check passed without the inventory's bootstrap")
	}
	write("inventory")
	if err := cfg.Check(); err != nil {
		t.Fatalf("Check with both bootstraps: %v", err)
	}
}
