package eventbridge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awseb "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/stepfold/stepfold/aws/eventbridge"
	"github.com/stepfold/stepfold/events"
)

// A local stand-in for EventBridge accepts every entry and prints what it got.
func fakeBus(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Entries []struct{ Source, DetailType, EventBusName, Detail string }
	}
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &in)
	results := make([]map[string]string, len(in.Entries))
	for i, e := range in.Entries {
		fmt.Printf("%s %s on %s\n%s\n", e.Source, e.DetailType, e.EventBusName, e.Detail)
		results[i] = map[string]string{"EventId": fmt.Sprint(i)}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"FailedEntryCount": 0, "Entries": results})
}

func ExamplePublisher_Publish() {
	srv := httptest.NewServer(http.HandlerFunc(fakeBus))
	defer srv.Close()

	// On AWS: config.LoadDefaultConfig(ctx) alone. Here the endpoint is the
	// fake bus (AWS_ENDPOINT_URL_EVENTBRIDGE would do the same).
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	if err != nil {
		fmt.Println(err)
		return
	}
	client := awseb.NewFromConfig(cfg, func(o *awseb.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	pub, err := eventbridge.New(client, "stepfold-bus", "stepfold.accounts") // the domain's Info().Source
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	err = pub.Publish(ctx, []events.Event{{
		ID: "acc-1:1", Stream: "acc-1", StreamKey: "account", Version: 1, Type: "AccountOpened", SchemaVersion: 1,
		OccurredAt: at, RecordedAt: at, CommandID: "c-1", Data: json.RawMessage(`{"currency":"EUR"}`),
	}})
	fmt.Println("error:", err)
	// Output:
	// stepfold.accounts AccountOpened on stepfold-bus
	// {"id":"acc-1:1","account":"acc-1","version":1,"type":"AccountOpened","schemaVersion":1,"occurredAt":"2026-11-23T10:00:00Z","recordedAt":"2026-11-23T10:00:00Z","commandId":"c-1","data":{"currency":"EUR"}}
	// error: <nil>
}
