# The two commands a newcomer needs:
#   make run    runs the whole system locally (same as go run ./cmd/stepfold serve)
#   make test   runs every test, installing what the tests need
GO ?= go

.PHONY: run test lint unit lambdas infra-check asl-validate tools deploy

run:
	$(GO) run ./cmd/stepfold serve

test:
	bash scripts/test.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

# lambdas builds the one Lambda binary that infra deploys for every function:
# linux/arm64, build/lambda/bootstrap. The tests that run it behind the Lambda
# Runtime Interface Emulator build it for the host with the same recipe:
#   make lambdas LAMBDA_ARCH=amd64 LAMBDA_OUT=/tmp/x/bootstrap
# lambda.norpc drops aws-lambda-go's RPC mode (only the go1.x runtime used it);
# nethttpomithttp2 drops net/http's HTTP/2 (AWS's JSON APIs and the Runtime API
# speak HTTP/1.1), about 0.4 MB.
LAMBDA_ARCH ?= arm64
LAMBDA_OUT ?= build/lambda/bootstrap
LAMBDA_PKG ?= ./cmd/lambda
lambdas:
	CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_ARCH) $(GO) build -tags lambda.norpc,nethttpomithttp2 -trimpath -ldflags='-s -w' -o $(LAMBDA_OUT) $(LAMBDA_PKG)

asl-validate:
	bash scripts/asl-validate.sh

infra-check: lambdas
	bash scripts/infra-check.sh

# The pinned npm tools (the CDK CLI and asl-validator) live in .tools/, which
# Go's ./... skips.
CDK = .tools/node_modules/.bin/cdk

tools: .tools/node_modules/.package-lock.json

.tools/node_modules/.package-lock.json: .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error

# deploy builds the Lambda binary and deploys the stack with the pinned CLI.
# Pass CDK_ARGS, for example CDK_ARGS='-c removalPolicy=destroy'.
deploy: lambdas tools
	CDK_DISABLE_CLI_TELEMETRY=true $(CDK) deploy $(CDK_ARGS)
