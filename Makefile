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
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod is not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }

unit:
	$(GO) test -race -count=1 ./...

# lambdas builds each domain's Lambda bootstrap for linux/arm64, from its main
# in cmd/lambda/<domain> to build/lambda/<domain>/bootstrap: infra deploys it
# for every function of that domain. LAMBDA_DOMAINS defaults to every
# cmd/lambda/<domain> with a main.go. The tests that run a bootstrap behind the
# Lambda Runtime Interface Emulator build one package for the host with the
# same recipe:
#   make lambdas LAMBDA_ARCH=amd64 LAMBDA_PKG=./cmd/lambda/account LAMBDA_OUT=/tmp/x/bootstrap
# lambda.norpc drops aws-lambda-go's RPC mode (only the go1.x runtime used it);
# nethttpomithttp2 drops net/http's HTTP/2 (AWS's JSON APIs and the Runtime API
# speak HTTP/1.1), about 0.4 MB.
LAMBDA_ARCH ?= arm64
LAMBDA_DOMAINS ?= $(notdir $(patsubst %/main.go,%,$(wildcard cmd/lambda/*/main.go)))
LAMBDA_BUILD = CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_ARCH) $(GO) build -tags lambda.norpc,nethttpomithttp2 -trimpath -ldflags='-s -w'
lambdas:
ifdef LAMBDA_PKG
	$(if $(LAMBDA_OUT),,$(error LAMBDA_PKG=$(LAMBDA_PKG) needs LAMBDA_OUT, the bootstrap to write))
	$(LAMBDA_BUILD) -o $(LAMBDA_OUT) $(LAMBDA_PKG)
else
	$(if $(LAMBDA_DOMAINS),,$(error no Lambda main in cmd/lambda/<domain>/main.go))
	@for d in $(LAMBDA_DOMAINS); do \
		echo "lambdas: build/lambda/$$d/bootstrap (linux/$(LAMBDA_ARCH))"; \
		$(LAMBDA_BUILD) -o build/lambda/$$d/bootstrap ./cmd/lambda/$$d || exit 1; \
	done
endif

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

# deploy builds every domain's Lambda bootstrap and deploys the stack with the
# pinned CLI.
# Pass CDK_ARGS, for example CDK_ARGS='-c removalPolicy=destroy'.
deploy: lambdas tools
	CDK_DISABLE_CLI_TELEMETRY=true $(CDK) deploy $(CDK_ARGS)
