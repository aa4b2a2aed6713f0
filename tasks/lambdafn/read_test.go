package lambdafn_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	apigw "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

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
	h := lambda.NewHandler(lambdafn.Read(newService(t)))
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

func TestReadRoutes(t *testing.T) {
	read := lambdafn.Read(newService(t))
	tests := []struct {
		path string
		want int
	}{
		{"/accounts/acc-1", 200},
		{"/prod/accounts/acc-1", 200},
		{"/accounts/acc-1/events", 200},
		{"/accounts/acc-1/", 200},
		{"/accounts", 404},
		{"/", 404},
		{"/accounts/acc-1/balance", 404},
	}
	for _, tt := range tests {
		resp, err := read(context.Background(), apigw.APIGatewayProxyRequest{HTTPMethod: "GET", Path: tt.path})
		if err != nil || resp.StatusCode != tt.want {
			t.Errorf("GET %s = %d, %v; want %d (%s)", tt.path, resp.StatusCode, err, tt.want, resp.Body)
		}
	}
}
