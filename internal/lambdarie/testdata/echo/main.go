// Command echo is the Lambda function of lambdarie's own tests. It answers
// {"payload": <the payload>, "env": <its environment>, "pid": <its pid>};
// a payload {"fail": TYPE, "message": MESSAGE} makes it fail with that
// error, and ECHO_EXIT=1 makes it exit before it serves.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
)

type echo struct{}

func (echo) Invoke(_ context.Context, payload []byte) ([]byte, error) {
	var fail struct{ Fail, Message string }
	if json.Unmarshal(payload, &fail) == nil && fail.Fail != "" {
		return nil, messages.InvokeResponse_Error{Type: fail.Fail, Message: fail.Message}
	}
	env := os.Environ()
	slices.Sort(env)
	return json.Marshal(map[string]any{"payload": json.RawMessage(payload), "env": env, "pid": os.Getpid()})
}

func main() {
	if os.Getenv("ECHO_EXIT") == "1" {
		fmt.Fprintln(os.Stderr, "echo: told to exit")
		os.Exit(3)
	}
	lambda.Start(echo{})
}
