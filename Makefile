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

# lambdas builds the one Lambda binary that infra deploys for every function.
lambdas:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w' -o build/lambda/bootstrap ./cmd/lambda

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
