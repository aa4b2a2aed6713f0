package function

import (
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
)

// The variables Lambda sets in every function's environment, and the
// endpoint overrides the SDK's own configuration honours.
const (
	envRegion          = "AWS_REGION"
	envAccessKeyID     = "AWS_ACCESS_KEY_ID"
	envSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	envSessionToken    = "AWS_SESSION_TOKEN"
	envEndpoint        = "AWS_ENDPOINT_URL"
)

// awsConfig returns the SDK configuration of a function from what Lambda
// puts in its environment: the region, and the credentials of the
// function's role. It is what config.LoadDefaultConfig resolves inside
// Lambda, where the environment comes first in the credential chain,
// without linking the rest of that chain (shared files, SSO, STS, login,
// process, container and instance-metadata credentials), which a function
// never reaches and which took 1.8 MB of the binary.
//
// AWS_ENDPOINT_URL sets the endpoint of every service;
// AWS_ENDPOINT_URL_<SERVICE> (see endpoint) overrides it for one.
func awsConfig(getenv func(string) string) (aws.Config, error) {
	region := getenv(envRegion)
	if region == "" {
		return aws.Config{}, fmt.Errorf("environment variable %s is not set (Lambda sets it)", envRegion)
	}
	id, secret := getenv(envAccessKeyID), getenv(envSecretAccessKey)
	if id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("environment variables %s and %s are not set (Lambda sets them from the function's role)", envAccessKeyID, envSecretAccessKey)
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, getenv(envSessionToken)),
		Logger:      logging.NewStandardLogger(os.Stderr),
	}
	if url := getenv(envEndpoint); url != "" {
		cfg.BaseEndpoint = aws.String(url)
	}
	return cfg, nil
}

// endpoint returns the endpoint that AWS_ENDPOINT_URL_<service> names for
// one service (DYNAMODB, EVENTBRIDGE), or nil to keep the configuration's.
func endpoint(getenv func(string) string, service string) *string {
	if url := getenv(envEndpoint + "_" + service); url != "" {
		return aws.String(url)
	}
	return nil
}
