package function

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestAWSConfig builds the configuration from Lambda's variables only, and
// takes the endpoint overrides as the SDK's own configuration names them.
func TestAWSConfig(t *testing.T) {
	env := map[string]string{
		envRegion: "eu-west-1", envAccessKeyID: "AKID", envSecretAccessKey: "secret", envSessionToken: "token",
		envEndpoint: "http://127.0.0.1:1", envEndpoint + "_DYNAMODB": "http://127.0.0.1:2",
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := awsConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "secret" || creds.SessionToken != "token" {
		t.Errorf("region %q, credentials %+v; want eu-west-1 and the role's key, secret and token", cfg.Region, creds)
	}
	if got := aws.ToString(cfg.BaseEndpoint); got != "http://127.0.0.1:1" {
		t.Errorf("BaseEndpoint = %q, want AWS_ENDPOINT_URL", got)
	}
	if got := aws.ToString(endpoint(getenv, "DYNAMODB")); got != "http://127.0.0.1:2" {
		t.Errorf("DynamoDB endpoint = %q, want AWS_ENDPOINT_URL_DYNAMODB", got)
	}
	if got := endpoint(getenv, "EVENTBRIDGE"); got != nil {
		t.Errorf("EventBridge endpoint = %q, want none of its own", *got)
	}
}
