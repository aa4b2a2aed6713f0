package stack

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
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
	ApplyNag(app)
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
	for id, r := range b.json["Resources"].(map[string]any) {
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

func TestOutputs(t *testing.T) {
	b := defaultStack(t)
	want := []string{"ApiUrl", "DeadLetterQueueUrl", "EventBusName", "StateMachineArn"}
	if got := keys(b.json["Outputs"].(map[string]any)); !jsonEqual(got, want) {
		t.Errorf("outputs %v, want %v", got, want)
	}
	b.template.HasOutput(str("ApiUrl"), map[string]any{"Value": map[string]any{"Fn::Join": assertions.Match_AnyValue()}})
}
