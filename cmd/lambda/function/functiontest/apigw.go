package functiontest

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	apigw "github.com/aws/aws-lambda-go/events"
)

// RequestID stands, in a fixture, for the request id of an answer of the
// read API, which it makes afresh for a request that brings none.
const RequestID = "<request id>"

// WithoutRequestID returns the API Gateway proxy response out with its
// X-Request-Id replaced by RequestID, after checking that the header, in
// both its forms, holds one and the same fresh id: 32 hex digits.
func WithoutRequestID(tb testing.TB, out []byte) []byte {
	tb.Helper()
	var resp apigw.APIGatewayProxyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		tb.Fatalf("the answer %s is not a proxy response: %v", out, err)
	}
	id := resp.Headers["X-Request-Id"]
	if b, err := hex.DecodeString(id); err != nil || len(b) != 16 {
		tb.Fatalf("X-Request-Id %q is not a fresh id of 32 hex digits", id)
	}
	if ids := resp.MultiValueHeaders["X-Request-Id"]; len(ids) != 1 || ids[0] != id {
		tb.Fatalf("X-Request-Id %q, and %q in multiValueHeaders; want the same one id", id, ids)
	}
	resp.Headers["X-Request-Id"] = RequestID
	resp.MultiValueHeaders["X-Request-Id"] = []string{RequestID}
	b, err := json.Marshal(resp)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
