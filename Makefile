# The two commands a newcomer needs:
#   make run    runs the whole system locally (same as go run ./cmd/stepfold serve)
#   make test   runs every test, installing what the tests need
GO ?= go

.PHONY: run test lint unit lambdas infra-check asl-validate bench

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
