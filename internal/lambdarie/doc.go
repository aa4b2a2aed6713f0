// Package lambdarie runs a Lambda bootstrap behind the AWS Lambda Runtime
// Interface Emulator, so that tests and benchmarks invoke the real binary
// through the real Lambda Runtime API rather than calling its handlers
// in-process.
//
// Build compiles a Lambda main package with `make lambdas` for the host
// (the emulator runs the bootstrap as a local process); Start runs the
// emulator over the bootstrap with exactly the environment given, which
// the emulator hands on to the bootstrap as Lambda would; Invoke posts one
// payload to the emulator's Invoke endpoint,
// POST /2015-03-31/functions/function/invocations.
//
// What the emulator does, read from its source and seen in its output:
//
//   - It starts the bootstrap on the first invocation, not at start-up.
//     Its log line "INIT REPORT(durationMs: …)" measures from just before
//     it starts the bootstrap until the bootstrap first asks the Runtime
//     API for an invocation: InitDuration reads it. The "Init Duration"
//     in its REPORT line is something else, the time to hand the init to
//     a goroutine (about 0.05 ms), and is not read here.
//   - A function error (the runtime posted to /runtime/invocation/error)
//     comes back with status 200 and the runtime's error document, but
//     without the X-Amz-Function-Error header that Lambda's Invoke API
//     adds. Invoke therefore recognises an error by its document: a JSON
//     object holding errorType, and nothing besides errorType,
//     errorMessage and stackTrace. A runtime that exits, in its init or
//     in an invocation, is a 502 (mostly with no body) rather than Lambda's
//     Runtime.ExitError function error: Invoke returns a *RuntimeError
//     with the fatal error the emulator logged.
//   - It forwards its whole environment to the bootstrap, with
//     AWS_LAMBDA_RUNTIME_API and defaults for AWS_LAMBDA_FUNCTION_NAME and
//     the like added, so Start gives the emulator nothing of the test's
//     own environment.
//   - Its Runtime API listens on 127.0.0.1:9001 unless told otherwise;
//     Start gives every emulator its own two ports, so emulators run side
//     by side.
//
// The emulator itself is installed by scripts/lambda-rie.sh (its own Go
// module, kept out of this repository's go.mod). Emulator finds it.
package lambdarie
