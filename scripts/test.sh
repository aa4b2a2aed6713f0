#!/usr/bin/env bash
# The full test command (make test, and .ci/run). It installs what the tests
# need on a fresh machine - DynamoDB Local, the pinned npm tools, Debian's
# Chromium - and runs every test. Nothing here is skipped: a missing tool is
# installed or the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "lint: gofmt and go vet"
make -s lint

step "go test -race ./... with DynamoDB Local"
bash scripts/dynamodb-local.sh run -- go test -race -count=1 ./...

step "state machine definitions: asl-validator"
bash scripts/asl-validate.sh

step "all tests passed"
