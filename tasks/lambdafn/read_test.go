package lambdafn_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	apigw "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/internal/jsontest"
	"github.com/stepfold/stepfold/tasks/lambdafn"
)

// TestRead sends the API Gateway proxy requests of testdata through the
// Lambda runtime's JSON path and compares status, content type and body.
func TestRead(t *testing.T) {
	var cases []struct {
		Request string          `json:"request"`
		Status  int             `json:"status"`
		Body    json.RawMessage `json:"body"`
	}
	readJSON(t, "read.json", &cases)
	h := lambda.NewHandler(lambdafn.HTTP(readAPI(t)))
	for _, tc := range cases {
		t.Run(tc.Request, func(t *testing.T) {
			req, err := os.ReadFile(filepath.Join("testdata", tc.Request))
			if err != nil {
				t.Fatal(err)
			}
			out, err := h.Invoke(context.Background(), req)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			var resp apigw.APIGatewayProxyResponse
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.Status || resp.Headers["Content-Type"] != "application/json" {
				t.Errorf("status %d, content type %q; want %d, application/json", resp.StatusCode, resp.Headers["Content-Type"], tc.Status)
			}
			jsontest.EqualText(t, []byte(resp.Body), tc.Body)
		})
	}
}

// readAPI is the bank's read API over newService, as the read Lambda
// serves it.
func readAPI(t *testing.T) *httpapi.Handler {
	t.Helper()
	h, err := httpapi.New(httpapi.Config{Info: account.Domain{}.Info(), Reader: newService(t)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestReadRoutes(t *testing.T) {
	read := lambdafn.HTTP(readAPI(t))
	tests := []struct {
		req  apigw.APIGatewayProxyRequest
		want int
	}{
		{apigw.APIGatewayProxyRequest{Path: "/accounts/acc-1"}, 200},
		{apigw.APIGatewayProxyRequest{Path: "/accounts/acc-1/events"}, 200},
		{apigw.APIGatewayProxyRequest{Path: "/prod/accounts/acc-1", Resource: "/accounts/{id}", PathParameters: map[string]string{"id": "acc-1"}}, 200},
		{apigw.APIGatewayProxyRequest{Path: "/x/acc-1/events", Resource: "/accounts/{id}/events", PathParameters: map[string]string{"id": "acc-1"}}, 200},
		{apigw.APIGatewayProxyRequest{Path: "/accounts"}, 404},
		{apigw.APIGatewayProxyRequest{Path: "/"}, 404},
		{apigw.APIGatewayProxyRequest{Path: "/accounts/acc-1/balance"}, 404},
		{apigw.APIGatewayProxyRequest{Path: "/accounts/acc-2"}, 404},
		{apigw.APIGatewayProxyRequest{Path: "/accounts/acc-1", HTTPMethod: "POST"}, 405},
	}
	for _, tt := range tests {
		if tt.req.HTTPMethod == "" {
			tt.req.HTTPMethod = "GET"
		}
		resp, err := read(context.Background(), tt.req)
		if err != nil || resp.StatusCode != tt.want {
			t.Errorf("%s %s (%s) = %d, %v; want %d (%s)", tt.req.HTTPMethod, tt.req.Path, tt.req.Resource, resp.StatusCode, err, tt.want, resp.Body)
		}
	}
}
