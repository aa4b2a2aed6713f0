package dynamostore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/logging"
)

const skipMessage = "DynamoDB Local not running: set AWS_ENDPOINT_URL_DYNAMODB (make test starts it)"

// clientOptions adjust the test client: its HTTP client, its retries.
type clientOptions struct {
	httpClient  *http.Client
	maxAttempts int
}

// localEndpoint returns the DynamoDB Local endpoint from the environment, or
// skips tb, or fails it when STEPFOLD_REQUIRE_DYNAMODB=1.
func localEndpoint(tb testing.TB) string {
	tb.Helper()
	endpoint := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB")
	if endpoint == "" {
		endpoint = os.Getenv("DYNAMODB_ENDPOINT")
	}
	if endpoint == "" {
		missing(tb, skipMessage)
	}
	return endpoint
}

func missing(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv("STEPFOLD_REQUIRE_DYNAMODB") == "1" {
		tb.Fatal(msg + " (STEPFOLD_REQUIRE_DYNAMODB=1, so this fails)")
	}
	tb.Skip(msg)
}

// localClient returns an SDK client for DynamoDB Local, with static dummy
// credentials and us-east-1, after checking that it answers.
func localClient(tb testing.TB, opts clientOptions) *dynamodb.Client {
	tb.Helper()
	endpoint := localEndpoint(tb)
	loaders := []func(*config.LoadOptions) error{
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
	}
	if opts.maxAttempts > 0 {
		loaders = append(loaders, config.WithRetryMaxAttempts(opts.maxAttempts))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), loaders...)
	if err != nil {
		tb.Fatalf("load AWS config: %v", err)
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		// DynamoDB Local sends no x-amz-crc32 on error responses, and the
		// SDK warns about it; keep those warnings in the test log.
		o.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			tb.Logf("SDK %s: "+format, append([]any{c}, v...)...)
		})
		if opts.httpClient != nil {
			o.HTTPClient = opts.httpClient // set here: AWS_CA_BUNDLE rejects a plain *http.Client in LoadDefaultConfig
		}
		if os.Getenv("AWS_ENDPOINT_URL_DYNAMODB") == "" {
			o.BaseEndpoint = aws.String(endpoint) // only DYNAMODB_ENDPOINT was set
		}
	})
	ping(tb, client, endpoint)
	return client
}

func ping(tb testing.TB, client *dynamodb.Client, endpoint string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)}, func(o *dynamodb.Options) {
		o.RetryMaxAttempts = 1
	})
	if err != nil {
		missing(tb, "DynamoDB Local at "+endpoint+" does not answer: "+err.Error())
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// tableNames returns unique events and state table names for tb.
func tableNames(tb testing.TB) (string, string) {
	tb.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	base := unsafeName.ReplaceAllString(tb.Name(), "_")
	if len(base) > 180 {
		base = base[len(base)-180:]
	}
	base += "-" + hex.EncodeToString(b)
	return base + "-events", base + "-state"
}

// newTestStore creates fresh tables, deleted in tb.Cleanup, and returns a
// Store over them with a default client.
func newTestStore(tb testing.TB) *Store {
	tb.Helper()
	return newTestStoreWith(tb, clientOptions{})
}

// newTestStoreWith creates the tables with a plain client and returns a
// Store whose client has opts.
func newTestStoreWith(tb testing.TB, opts clientOptions) *Store {
	tb.Helper()
	admin := localClient(tb, clientOptions{})
	evTable, stTable := tableNames(tb)
	ctx := context.Background()
	if err := CreateTables(ctx, admin, evTable, stTable); err != nil {
		tb.Fatalf("CreateTables: %v", err)
	}
	tb.Cleanup(func() {
		for _, name := range []string{evTable, stTable} {
			_, err := admin.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
			if err != nil {
				tb.Errorf("delete table %s: %v", name, err)
			}
		}
	})
	client := admin
	if opts != (clientOptions{}) {
		client = localClient(tb, opts)
	}
	s, err := New(client, evTable, stTable)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
