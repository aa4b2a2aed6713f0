#!/usr/bin/env bash
# infra-check.sh checks the CDK app offline (no AWS account, no Docker):
#   1. the pinned npm tools (aws-cdk, asl-validator) are installed in .tools/;
#   2. gofmt, go vet and the template tests of the infra module pass;
#   3. `cdk synth` succeeds, which fails on any unsuppressed cdk-nag error;
#   4. asl-validator accepts every statemachines/*.asl.json.
# `make infra-check` runs `make lambdas` first; the synth needs each domain's
# build/lambda/<domain>/bootstrap, one per cmd/lambda/<domain>. Safe to run
# again: it installs only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

export CDK_HOME="$PWD/.cdk" CDK_DISABLE_CLI_TELEMETRY=true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# The pinned npm tools live in .tools/: Go's ./... skips dot-directories,
# and the CDK CLI's package ships Go template files that would break it.
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

t0=$SECONDS
step() { printf '==> %s\n' "$*"; }
took() { printf '    ok (%ds)\n' "$((SECONDS - $1))"; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

step "npm tools (aws-cdk, asl-validator) from .tools/package-lock.json"
t=$SECONDS
if [[ ! -f .tools/node_modules/.package-lock.json || .tools/package-lock.json -nt .tools/node_modules/.package-lock.json ]]; then
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error >/dev/null
fi
took $t

domains=()
for main in cmd/lambda/*/main.go; do
	[[ -f $main ]] && domains+=("$(basename "$(dirname "$main")")")
done
if [[ ${#domains[@]} -eq 0 ]]; then
	echo "no Lambda main in cmd/lambda/<domain>/main.go" >&2
	exit 1
fi
for d in "${domains[@]}"; do
	if [[ ! -f build/lambda/$d/bootstrap ]]; then
		echo "build/lambda/$d/bootstrap is missing: run \`make lambdas\` (or \`make infra-check\`)" >&2
		exit 1
	fi
done
printf '    bootstraps: %s\n' "${domains[*]/#/build/lambda/}"

step "gofmt and go vet (infra)"
t=$SECONDS
unformatted=$(cd infra && gofmt -l .)
if [[ -n $unformatted ]]; then
	echo "gofmt needed in infra/:" >&2
	echo "$unformatted" >&2
	exit 1
fi
(cd infra && go vet ./...)
took $t

step "template tests (cd infra && go test ./...)"
t=$SECONDS
if ! (cd infra && go test -count=1 -v ./...) >"$logs/test.log" 2>&1; then
	grep -E '^(--- FAIL|FAIL|panic)|_test\.go:[0-9]+:' "$logs/test.log" >&2 || tail -50 "$logs/test.log" >&2
	exit 1
fi
printf '    %d tests passed, %d skipped\n' "$(grep -c '^--- PASS' "$logs/test.log")" "$(grep -c '^--- SKIP' "$logs/test.log" || true)"
if grep -q 'skipping: .*velocity\|skipping: java' "$logs/test.log"; then
	echo "    note: the mapping-template rendering tests need a JDK and Debian's velocity package (apt-get install velocity)"
fi
took $t

step "cdk synth (cdk-nag AwsSolutions)"
t=$SECONDS
cdk synth -q --no-notices
took $t

step "asl-validator"
t=$SECONDS
bash scripts/asl-validate.sh
took $t

step "infra check passed in $((SECONDS - t0))s"
