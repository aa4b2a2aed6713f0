// Package lambdafn puts the tasks behind the AWS Lambda Go runtime.
//
// Handler turns a task method such as (*tasks.Service).Validate into a
// lambda.Handler whose errors carry their events.Code as the Lambda
// errorType, so that a state machine's ErrorEquals matches
// "InsufficientFunds" rather than the Go type name "Error". The same
// handler serves lambda.Start in cmd/lambda and in-process registration
// with the local ASL interpreter, which calls its Invoke.
//
// HTTP serves an http.Handler, the domain's httpapi, to API Gateway proxy
// requests: the read Lambda and the local server answer reads with the
// same code.
package lambdafn
