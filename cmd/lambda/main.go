// Command lambda is the one AWS Lambda binary of stepfold. Every function
// runs it; the environment variable STEPFOLD_TASK picks what it serves:
//
//	validate, persist, publish, fold  the account state machine's steps
//	read                              the read API behind API Gateway
//	notify                            the notify subscriber (an EventBridge target)
//
// It reads the DynamoDB tables from EVENTS_TABLE and STATE_TABLE and the
// EventBridge bus from EVENT_BUS_NAME, and builds its AWS clients once,
// before serving the first request. Build it with `make lambdas`.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	h, err := setup(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stepfold lambda:", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
