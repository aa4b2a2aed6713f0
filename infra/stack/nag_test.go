package stack

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/stepfold/stepfold/infra/service"
)

func nagErrors(s awscdk.Stack) []*cxapi.SynthesisMessage {
	found := assertions.Annotations_FromStack(s).FindError(str("*"), assertions.Match_StringLikeRegexp(str("AwsSolutions-.*")))
	if found == nil {
		return nil
	}
	return *found
}

func TestNoUnsuppressedNagErrors(t *testing.T) {
	b := defaultStack(t)
	for _, m := range nagErrors(b.stack.Stack) {
		t.Errorf("%s: %v", *m.Id, m.Entry.Data)
	}
}

// TestNagIsLive shows that the check above can fail: a queue with no
// encryption settings and no TLS policy draws AwsSolutions errors.
func TestNagIsLive(t *testing.T) {
	app := awscdk.NewApp(nil)
	s := awscdk.NewStack(app, str("Bare"), nil)
	awssqs.NewQueue(s, str("Plain"), &awssqs.QueueProps{Encryption: awssqs.QueueEncryption_UNENCRYPTED})
	service.ApplyNag(app)
	if len(nagErrors(s)) == 0 {
		t.Fatal("cdk-nag found nothing wrong with an unencrypted, non-TLS queue")
	}
}

// TestSuppressionsHaveReasons reads the suppressions from the template: each
// names an expected rule and carries a written reason.
func TestSuppressionsHaveReasons(t *testing.T) {
	b := defaultStack(t)
	allowed := setOf("AwsSolutions-IAM5", "AwsSolutions-SQS3", "AwsSolutions-IAM4", "AwsSolutions-COG4")
	n := 0
	for id, r := range b.JSON["Resources"].(map[string]any) {
		md, _ := r.(map[string]any)["Metadata"].(map[string]any)
		nag, _ := md["cdk_nag"].(map[string]any)
		for _, s := range asList(nag["rules_to_suppress"]) {
			if s == nil {
				continue
			}
			sup := s.(map[string]any)
			n++
			if !allowed[sup["id"].(string)] {
				t.Errorf("%s suppresses %v, which no reason in nag.go covers", id, sup["id"])
			}
			if reason, _ := sup["reason"].(string); len(reason) < 40 {
				t.Errorf("%s: suppression of %v has reason %q", id, sup["id"], reason)
			}
		}
	}
	if n == 0 {
		t.Fatal("no suppressions found in the template metadata")
	}
}

// TestOutputs checks the outputs: the bank's keep the names they had when
// it was the only domain, the inventory's carry its name.
func TestOutputs(t *testing.T) {
	b := defaultStack(t)
	bank, inv := b.stack.Service("account"), b.stack.Service("inventory")
	want := map[string]any{
		"ApiUrl":                      nil,
		"EventBusName":                ref(b.ID(b.stack.Bus)),
		"StateMachineArn":             ref(b.ID(bank.StateMachine)),
		"DeadLetterQueueUrl":          ref(b.ID(bank.DeadLetterQueue)),
		"InventoryStateMachineArn":    ref(b.ID(inv.StateMachine)),
		"InventoryDeadLetterQueueUrl": ref(b.ID(inv.DeadLetterQueue)),
	}
	outputs := b.JSON["Outputs"].(map[string]any)
	if got := keys(outputs); !jsonEqual(got, keys(want)) {
		t.Fatalf("outputs %v, want %v", got, keys(want))
	}
	for name, v := range want {
		if got := outputs[name].(map[string]any)["Value"]; v != nil && !jsonEqual(got, v) {
			t.Errorf("output %s = %v, want %v", name, mustJSON(got), mustJSON(v))
		}
	}
	b.Assertions.HasOutput(str("ApiUrl"), map[string]any{"Value": map[string]any{"Fn::Join": assertions.Match_AnyValue()}})
}
