// Command stepfold runs the whole stepfold system in one process and
// operates on its data directory.
//
//	stepfold serve   [--data DIR] [--addr HOST:PORT] [--webhook NAME=URL]... [--rules FILE]...
//	stepfold dlq     list | show DOMAIN:ID | redrive (DOMAIN:ID | --all)   [--data DIR]
//	stepfold replay  [--data DIR] [--domain NAME] [--republish RULE]
//	stepfold repair  [--data DIR] [--domain NAME] [--dry-run]
//	stepfold bench   [--addr HOST:PORT] [--clients N] [--duration D] [--accounts N] [--rate N/s|P%,...] [--hot N]
//
// serve listens on 127.0.0.1:8080 by default and serves every registered
// domain (domains.go) behind one server: each domain's HTTP API, the Step
// Functions API subset (X-Amz-Target requests) with one state machine per
// domain, the console at /console/ and the admin routes under /admin/. The
// data directory (default ./data) holds one directory per domain, with its
// events.db and events.db-log, readmodel.db, the bus's queue in bus-queue/,
// archive.jsonl, and a .jsonl file per archive target in its rules (the
// bank's notifications.jsonl); and, while a server runs, the root holds
// server.json. docs/local.md lists them all.
//
// Environment: STEPFOLD_DATA, STEPFOLD_ADDR and STEPFOLD_WEBHOOK_<TARGET>=url
// stand for the flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// usage is printed for a missing or unknown command.
const usage = `usage: stepfold <command> [flags]

commands:
  serve    run the HTTP API, the Step Functions API and the console
  dlq      list, show and redrive dead letters
  replay   rebuild the read model from the event log
  repair   drop what a damaged event log cannot read back, and report it
  bench    drive a running server and report throughput and latency

Run "stepfold <command> -h" for its flags.
`

// run is main without the process: it returns the exit code. ctx ends on
// SIGINT or SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	env := newEnv(environ)
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr, env)
	case "dlq":
		err = dlq(ctx, args[1:], stdout, stderr, env)
	case "replay":
		err = replay(ctx, args[1:], stdout, stderr, env)
	case "repair":
		err = repair(ctx, args[1:], stdout, stderr, env)
	case "bench":
		err = bench(ctx, args[1:], stdout, stderr, env)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "stepfold: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err == errHelp {
		return 0
	}
	if err != nil {
		if err != errUsage {
			fmt.Fprintf(stderr, "stepfold %s: %v\n", args[0], err)
		}
		return 1
	}
	return 0
}
