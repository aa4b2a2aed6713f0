#!/usr/bin/env bash
# The full test command (make test, and .ci/run). It installs what the tests
# need on a fresh machine - DynamoDB Local, the Lambda Runtime Interface
# Emulator, the pinned npm tools, Debian's Chromium and AWS CLI - and runs
# every test. Nothing here is skipped: a missing tool is installed or the
# run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

mkdir -p build

step "lint: gofmt and go vet"
make -s lint

step "Debian packages the tests need: Chromium (console, cross-site pages), Velocity (API mapping templates), the AWS CLI (Step Functions API)"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[ -f /usr/share/java/velocity.jar ] || need+=(velocity)
[ -x /usr/bin/aws ] || need+=(awscli)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export STEPFOLD_CHROMIUM="$(command -v chromium)"
export STEPFOLD_CHROMEDRIVER="$(command -v chromedriver)"
export STEPFOLD_REQUIRE_VELOCITY=1
export STEPFOLD_AWSCLI=/usr/bin/aws STEPFOLD_REQUIRE_AWSCLI=1

step "npm tools from .tools/package-lock.json (npm jsonata 2.0.6 for the JSONata differential test)"
make -s tools
export STEPFOLD_REQUIRE_NODE=1

step "Lambda Runtime Interface Emulator (cmd/lambda runs its bootstrap behind it)"
STEPFOLD_LAMBDA_RIE="$(bash scripts/lambda-rie.sh install)"
export STEPFOLD_LAMBDA_RIE STEPFOLD_REQUIRE_RIE=1

step "go test -race ./... with DynamoDB Local"
bash scripts/dynamodb-local.sh run -- go test -race -count=1 ./...

step "ASL conformance: the AWS-recorded cases, cases/ and cases-jsonata/ (FAIL and SKIP lines, then a count per folder)"
go test -count=1 -run '^TestConformance$' -v ./statemachines/asl >build/conformance.log
grep -E '^(FAIL|SKIP) |^[a-z-]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' build/conformance.log
[ "$(grep -cE '^[a-z-]+: [0-9]+ passed' build/conformance.log)" -eq 2 ] || { echo "conformance: a folder of cases did not run" >&2; exit 1; }

step "JSONata reference suite, jsonata-js 2.0.6 (FAIL lines, then the count)"
go test -count=1 -run '^TestReferenceSuite$' -v ./statemachines/asl/jsonata >build/jsonata-suite.log
grep -E '^(FAIL|SKIP) |^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' build/jsonata-suite.log

step "infra: Lambda build, CDK assertions, cdk-nag, cdk synth, asl-validator"
make -s infra-check

step "all tests passed"
